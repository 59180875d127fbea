#pragma once
#include "distlab/sim/model.hpp"

namespace distlab::models {
// Adds every built-in model to `r`.
void register_builtin(sim::Registry& r);
}  // namespace distlab::models
