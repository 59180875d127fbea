// libFuzzer target for the scenario loader. Every input must either load and validate, or raise
// ConfigError naming the file. Anything else (another exception escaping, a crash, a sanitizer
// report, a DISTLAB_ASSERT) is a bug, and libFuzzer reports it with the input that caused it.
// Build and run: tests/fuzz/run_fuzz.sh (see tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "distlab/sim/error.hpp"
#include "distlab/sim/model.hpp"
#include "distlab/sim/run.hpp"
#include "distlab/sim/scenario.hpp"
#include "models/registry.hpp"

namespace {
constexpr const char* kName = "fuzz.toml";
}

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  distlab::models::register_builtin(distlab::sim::registry());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const distlab::sim::Scenario s = distlab::sim::load_scenario_string(text, kName);
    distlab::sim::validate_scenario(s);
  } catch (const distlab::sim::ConfigError& e) {
    // An error must name the file it is about.
    if (std::string(e.what()).rfind(kName, 0) != 0) {
      std::fprintf(stderr, "ConfigError does not start with the file name: %s\n", e.what());
      std::abort();
    }
  }
  return 0;
}
