#include "swarm.hpp"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
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
  const unsigned jobs =
      std::min(o.jobs ? o.jobs : std::max(1u, std::thread::hardware_concurrency()), 256u);
  // How to rerun one seed by hand: the same file, overrides and plugins.
  std::string rerun = "distlab run " + o.file;
  for (const auto& p : o.plugins) rerun += " --plugin " + p;
  for (const auto& set : o.sets) rerun += " --set '" + set + "'";
  const auto t0 = std::chrono::steady_clock::now();
  std::map<pid_t, Child> running;
  std::uint64_t next = o.first_seed;
  const std::uint64_t end = o.first_seed + o.seeds;
  std::uint32_t passed = 0, violated = 0, errors = 0;
  std::vector<std::uint64_t> failed_seeds;
  std::fflush(nullptr);
  auto finish = [&](Child c, int code) {
    if (code == 0) {
      ++passed;
    } else if (code == 1) {
      ++violated;
      failed_seeds.push_back(c.seed);
      std::printf("seed %llu: checks failed (reproduce: %s --seed %llu)\n%s",
                  static_cast<unsigned long long>(c.seed), rerun.c_str(),
                  static_cast<unsigned long long>(c.seed), failure_lines(c.out).c_str());
    } else {
      ++errors;
      std::printf("seed %llu: error (exit %d): %s\n", static_cast<unsigned long long>(c.seed), code,
                  c.out.c_str());
    }
    std::fflush(stdout);
  };
  while (next < end || !running.empty()) {
    while (next < end && running.size() < jobs) {
      int fds[2];
      if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
      const pid_t pid = fork();
      if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        finish(Child{next++, -1, "fork failed"}, 3);
        continue;
      }
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
    if (running.empty()) continue;
    // Read every child's output as it comes (a full pipe would block the child); a child
    // whose pipe reached end of file has finished writing: collect its exit status.
    std::vector<pollfd> pfds;
    std::vector<pid_t> pids;
    for (auto& [pid, c] : running) {
      pfds.push_back({c.fd, POLLIN, 0});
      pids.push_back(pid);
    }
    if (poll(pfds.data(), pfds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll failed");
    }
    for (std::size_t i = 0; i < pfds.size(); ++i) {
      if (!(pfds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Child& c = running.at(pids[i]);
      char buf[65536];
      const ssize_t n = read(c.fd, buf, sizeof buf);
      if (n > 0) {
        c.out.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      close(c.fd);
      int status = 0;
      const pid_t w = waitpid(pids[i], &status, 0);
      const int code = w < 0 ? 3 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      Child done = std::move(c);
      running.erase(pids[i]);
      finish(std::move(done), code);
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::sort(failed_seeds.begin(), failed_seeds.end());
  std::string seeds;
  for (auto sd : failed_seeds) seeds += (seeds.empty() ? "" : " ") + std::to_string(sd);
  std::printf(
      "swarm: %u seeds from %llu: %u passed, %u failed their checks%s%s, %u errors (%.1f s, %u "
      "jobs)\n",
      o.seeds, static_cast<unsigned long long>(o.first_seed), passed, violated,
      seeds.empty() ? "" : ": ", seeds.c_str(), errors, wall, jobs);
  if (errors > 0) return 2;
  if (o.expect_violation) {
    std::printf("expected a violation: %s\n", violated > 0 ? "found" : "NOT found");
    return violated > 0 ? 0 : 1;
  }
  return violated > 0 ? 1 : 0;
}

}  // namespace distlab::cli
