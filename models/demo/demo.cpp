#include "demo/demo.hpp"

namespace distlab::models::demo {

sim::ModelInstance build(sim::Options& o) {
  const auto variant = o.get_choice("variant", {"pingpong", "heartbeat", "truetime"}, "pingpong");
  if (variant == "pingpong") return build_pingpong(o);
  if (variant == "truetime") return build_truetime(o);
  return build_heartbeat(o);
}

}  // namespace distlab::models::demo
