#include "swarm.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "distlab/sim/run.hpp"
#include "distlab/sim/scenario.hpp"

namespace distlab::cli {
namespace {

struct Child {
  std::uint64_t seed;
  int fd;
  std::string out;
};

// The lines of a summary that explain a failure.
std::string failure_lines(const std::string& summary) {
  std::istringstream in(summary);
  std::string line, out;
  while (std::getline(in, line))
    if (line.find("not linearizable") != std::string::npos ||
        line.find("VIOLATED") != std::string::npos || line.find("  NO") != std::string::npos ||
        line.find("returned a stale") != std::string::npos ||
        line.find("why:") != std::string::npos)
      out += "    " + line + "\n";
  return out;
}

}  // namespace

int run_swarm(const SwarmOptions& o) {
  const sim::Scenario s = sim::load_scenario_file(o.file, o.sets);
  sim::validate_scenario(s);  // bad input fails here, once, not in every child
  if (!s.swarm.enabled)
    std::fprintf(stderr, "note: %s has no [swarm] table: every seed runs the same faults\n",
                 o.file.c_str());
  const unsigned jobs = o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  const auto t0 = std::chrono::steady_clock::now();
  std::map<pid_t, Child> running;
  std::uint64_t next = o.first_seed;
  const std::uint64_t end = o.first_seed + o.seeds;
  std::uint32_t passed = 0, violated = 0, errors = 0;
  std::vector<std::uint64_t> failed_seeds;
  std::fflush(nullptr);
  while (next < end || !running.empty()) {
    while (next < end && running.size() < jobs) {
      int fds[2];
      if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
      const pid_t pid = fork();
      if (pid == 0) {
        close(fds[0]);
        int code = 0;
        std::string text;
        try {
          sim::RunOptions opt;
          opt.seed = next;
          sim::RunResult r = sim::run_scenario(s, opt);
          code = r.checks_passed ? 0 : 1;
          text = r.summary;
        } catch (const sim::ConfigError& e) {
          text = e.what();
          code = 2;
        } catch (const std::exception& e) {
          text = e.what();
          code = 3;
        }
        if (text.size() > 32'000) text.resize(32'000);
        for (std::size_t off = 0; off < text.size();) {
          const auto n = write(fds[1], text.data() + off, text.size() - off);
          if (n <= 0) break;
          off += static_cast<std::size_t>(n);
        }
        close(fds[1]);
        _exit(code);
      }
      close(fds[1]);
      running[pid] = Child{next++, fds[0], {}};
    }
    int status = 0;
    const pid_t pid = wait(&status);
    if (pid < 0) break;
    auto it = running.find(pid);
    if (it == running.end()) continue;
    Child c = std::move(it->second);
    running.erase(it);
    char buf[65536];
    ssize_t n;
    while ((n = read(c.fd, buf, sizeof buf)) > 0) c.out.append(buf, static_cast<std::size_t>(n));
    close(c.fd);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (code == 0) {
      ++passed;
    } else if (code == 1) {
      ++violated;
      failed_seeds.push_back(c.seed);
      std::printf("seed %llu: checks failed (reproduce: distlab run %s --seed %llu)\n%s",
                  static_cast<unsigned long long>(c.seed), o.file.c_str(),
                  static_cast<unsigned long long>(c.seed), failure_lines(c.out).c_str());
    } else {
      ++errors;
      std::printf("seed %llu: error (exit %d): %s\n", static_cast<unsigned long long>(c.seed), code,
                  c.out.c_str());
    }
    std::fflush(stdout);
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf(
      "swarm: %u seeds from %llu: %u passed, %u failed their checks, %u errors (%.1f s, %u jobs)\n",
      o.seeds, static_cast<unsigned long long>(o.first_seed), passed, violated, errors, wall, jobs);
  if (errors > 0) return 2;
  if (o.expect_violation) {
    std::printf("expected a violation: %s\n", violated > 0 ? "found" : "NOT found");
    return violated > 0 ? 0 : 1;
  }
  return violated > 0 ? 1 : 0;
}

}  // namespace distlab::cli
