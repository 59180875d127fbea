#pragma once
// A test model registered from outside the tree (the way a student's protocol would be):
// node n0 sends `count` messages of `bytes` to n1, one every `every_ms`. Every node counts what
// it receives in volatile memory and in durable storage, and records arrival times and its
// local clock in metrics, so tests can check the network, faults and clocks.
#include "distlab/sim/model.hpp"

namespace distlab::test {
void register_probe(sim::Registry& r);
}
