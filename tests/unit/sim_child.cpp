#include "sim_child.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <cstdio>
#include <cstdlib>

#include "distlab/sim/run.hpp"
#include "models/registry.hpp"
#include "probe_model.hpp"

namespace distlab::test {

ChildRun run_in_child(const std::string& toml, unsigned long long seed_override) {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    int code = 0;
    std::string out;
    try {
      models::register_builtin(sim::registry());
      register_probe(sim::registry());
      sim::Scenario s = sim::load_scenario_string(toml, "test.toml");
      sim::RunOptions opt;
      if (seed_override) opt.seed = seed_override;
      sim::RunResult rr = sim::run_scenario(s, opt);
      out = std::move(rr.results_json);
      code = rr.checks_passed ? 0 : 1;  // as the CLI: a violation or a missed [[expect]]
    } catch (const sim::ConfigError& e) {
      out = e.what();
      code = 2;
    }
    std::size_t off = 0;
    while (off < out.size()) {
      const auto n = write(fds[1], out.data() + off, out.size() - off);
      if (n <= 0) break;
      off += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    _exit(code);
  }
  close(fds[1]);
  ChildRun r;
  char buf[65536];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace distlab::test
