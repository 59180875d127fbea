#pragma once
// Errors. Bad input is not a bug: it raises ConfigError (the CLI prints it and exits 2).
// A broken invariant is a bug: DISTLAB_ASSERT stays on in release builds and reports the seed,
// simulated time and node of the failure.
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace distlab::sim {

// Where in a scenario file a value came from. line/column are 1-based; 0 means unknown.
struct SourcePos {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourcePos pos, std::string key_path, std::string message);
  const SourcePos& pos() const { return pos_; }
  const std::string& key_path() const { return key_path_; }
  const std::string& message() const { return message_; }

 private:
  SourcePos pos_;
  std::string key_path_;
  std::string message_;
};

// Set by a running simulation: describes seed, simulated time and current node for assertion
// messages.
std::function<std::string()>& assert_context();

[[noreturn]] void assertion_failed(const char* expr, const char* file, int line,
                                   const std::string& message);

}  // namespace distlab::sim

#define DISTLAB_ASSERT(expr, ...)                                                              \
  do {                                                                                         \
    if (!(expr))                                                                               \
      ::distlab::sim::assertion_failed(#expr, __FILE__, __LINE__, ::std::string{__VA_ARGS__}); \
  } while (0)
