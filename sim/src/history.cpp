#include "distlab/sim/history.hpp"

namespace distlab::sim {

std::string_view to_string(OpKind k) {
  switch (k) {
    case OpKind::read:
      return "read";
    case OpKind::write:
      return "write";
  }
  return "?";
}

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::ok:
      return "ok";
    case Outcome::fail:
      return "fail";
    case Outcome::unknown:
      return "unknown";
  }
  return "?";
}

}  // namespace distlab::sim
