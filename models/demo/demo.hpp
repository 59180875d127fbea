#pragma once
// Two tiny models for measuring the simulator itself (see README.md): a ping-pong between
// pairs of nodes, and periodic heartbeats between many nodes.
#include "distlab/sim/model.hpp"

namespace distlab::models::demo {

// [model] nodes (even, default 2), message_bytes (default 1000).
sim::ModelInstance build_pingpong(sim::Options& o);
// [model] nodes (default 100), fanout (default 1), period_ms (default 1000).
sim::ModelInstance build_heartbeat(sim::Options& o);
// [model] nodes (default 10), sample_ms (default 100): every node reads TrueTime periodically.
sim::ModelInstance build_truetime(sim::Options& o);
// Reads the [model] table (variant = "pingpong" | "heartbeat" | "truetime").
sim::ModelInstance build(sim::Options& o);

}  // namespace distlab::models::demo
