#include "distlab/sim/error.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>

namespace distlab::sim {
namespace {
std::string format_config_error(const SourcePos& p, const std::string& key,
                                const std::string& msg) {
  std::string where = p.file.empty() ? std::string("<input>") : p.file;
  if (p.line > 0) where += fmt::format(":{}:{}", p.line, p.column);
  return key.empty() ? fmt::format("{}: error: {}", where, msg)
                     : fmt::format("{}: error: {}: {}", where, key, msg);
}
}  // namespace

ConfigError::ConfigError(SourcePos pos, std::string key_path, std::string message)
    : std::runtime_error(format_config_error(pos, key_path, message)),
      pos_(std::move(pos)),
      key_path_(std::move(key_path)),
      message_(std::move(message)) {}

std::function<std::string()>& assert_context() {
  static std::function<std::string()> f;
  return f;
}

void assertion_failed(const char* expr, const char* file, int line, const std::string& message) {
  const std::string ctx = assert_context() ? assert_context()() : std::string();
  std::fprintf(stderr, "distlab: internal error: assertion `%s` failed at %s:%d%s%s%s%s\n", expr,
               file, line, message.empty() ? "" : ": ", message.c_str(), ctx.empty() ? "" : "\n  ",
               ctx.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace distlab::sim
