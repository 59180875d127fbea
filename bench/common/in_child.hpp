#pragma once
// One simulation per forked child (SimGrid allows one engine per process): the child runs
// `run`, times it, reads its peak RSS and sends the result back through a pipe. Shared by the
// benchmarks under bench/.
#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>

#include "distlab/sim/error.hpp"

namespace distlab::bench {

struct ChildResult {
  bool ok = false;
  double wall_s = 0;
  double cpu_s = 0;  // user + system time of the child
  std::uint64_t messages = 0;
  std::uint64_t operations = 0;  // what the run completed (commands, requests), if it says
  long peak_rss_kib = 0;         // getrusage: the whole child, including building the results
  long sim_rss_kib = 0;          // distlab runs: the largest RSS sampled while simulating
  char error[512] = {};
};

// `run` fills in what it measured; the child adds wall time, CPU time and peak RSS.
inline ChildResult in_child_r(const std::function<void(ChildResult&)>& run) {
  std::fflush(stdout);
  std::fflush(stderr);
  int fds[2];
  if (pipe(fds) != 0) {
    ChildResult r;
    std::snprintf(r.error, sizeof r.error, "pipe: %s", std::strerror(errno));
    return r;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    ChildResult r;
    try {
      const auto t0 = std::chrono::steady_clock::now();
      run(r);
      r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      r.ok = true;
    } catch (const sim::ConfigError& e) {
      std::snprintf(r.error, sizeof r.error, "%s:%u: %s: %s", e.pos().file.c_str(), e.pos().line,
                    e.key_path().c_str(), e.message().c_str());
    } catch (const std::exception& e) {
      std::snprintf(r.error, sizeof r.error, "%s", e.what());
    }
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    r.peak_rss_kib = ru.ru_maxrss;  // KiB on Linux
    r.cpu_s = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
              static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
    const ssize_t w = write(fds[1], &r, sizeof r);
    _exit(w == static_cast<ssize_t>(sizeof r) ? 0 : 3);
  }
  close(fds[1]);
  ChildResult r;
  if (pid < 0) {
    std::snprintf(r.error, sizeof r.error, "fork: %s", std::strerror(errno));
    close(fds[0]);
    return r;
  }
  std::size_t got = 0;
  while (got < sizeof r) {
    const ssize_t n = read(fds[0], reinterpret_cast<char*>(&r) + got, sizeof r - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != sizeof r) {
    r = ChildResult{};
    std::snprintf(r.error, sizeof r.error, "child died (status %d)", status);
  }
  return r;
}

// The fastest of repeated runs (by wall time); a failed run throws its error.
struct Best {
  ChildResult best;
  bool any = false;
  void add(const ChildResult& r) {
    if (!r.ok) throw std::runtime_error(r.error);
    if (!any || r.wall_s < best.wall_s) best = r;
    any = true;
  }
  double msgs_per_s() const { return static_cast<double>(best.messages) / best.wall_s; }
  double ops_per_s() const { return static_cast<double>(best.operations) / best.wall_s; }
};

// The integer after `"key":` that follows `"section"` in a results.json text (without parsing
// all of it).
inline std::uint64_t number_after(const std::string& json, const std::string& section,
                                  const std::string& key) {
  std::size_t at = json.find("\"" + section + "\"");
  if (at != std::string::npos) at = json.find("\"" + key + "\":", at);
  if (at == std::string::npos)
    throw std::runtime_error("results.json has no " + section + "." + key);
  return std::stoull(json.substr(at + key.size() + 3, 24));
}

// `run` returns a message count; it may record the RSS it samples in its argument.
inline ChildResult in_child(const std::function<std::uint64_t(long* sim_rss_kib)>& run) {
  return in_child_r([&](ChildResult& r) { r.messages = run(&r.sim_rss_kib); });
}

}  // namespace distlab::bench
