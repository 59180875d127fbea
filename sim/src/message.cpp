#include "distlab/sim/message.hpp"

#include <cxxabi.h>

#include <cstdlib>

namespace distlab::sim {

std::string Message::short_type_name(const char* mangled) {
  int status = 0;
  char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string s = status == 0 && d ? d : mangled;
  std::free(d);
  const auto colon = s.rfind("::");
  return colon == std::string::npos ? s : s.substr(colon + 2);
}

}  // namespace distlab::sim
