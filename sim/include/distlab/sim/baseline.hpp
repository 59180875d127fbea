#pragma once
// Raw SimGrid baselines for the benchmarks (bench/core). They build the same platform as
// distlab's "flow" network (a star zone, one split-duplex link per host carrying half the
// one-way latency, latency and bandwidth factors 1, no cross traffic) but run plain SimGrid
// actors instead of distlab's World, so a benchmark can put distlab's numbers next to what
// SimGrid alone does in the same process setup. The caller measures wall time (sim/ never
// reads the wall clock). This header stays free of SimGrid (house rule:
// only sim/src includes it). Each call starts a SimGrid engine: one call per process.
#include <cstdint>

#include "distlab/sim/types.hpp"

namespace distlab::sim::baseline {

struct RawPlatform {
  std::uint32_t nodes = 2;       // hosts h0..h{nodes-1}
  Time latency = us(50);         // one-way host-to-host
  double bandwidth_bps = 100e9;  // per host link
};

struct RawPingPong {
  RawPlatform platform;
  std::uint32_t message_bytes = 1000;
  Time duration = sec(1);  // simulated
};

struct RawPingPongResult {
  std::uint64_t messages = 0;  // received (gets completed) before `duration`
};

// One actor per node, blocking put/get on one mailbox per node: actor 2i puts a message of
// `message_bytes` to 2i+1 at time 0, and each actor answers every message it gets with one of
// the same size, until `duration`. `nodes` must be even. The same traffic and timing as
// distlab's demo/pingpong model on the flow network.
RawPingPongResult raw_pingpong(const RawPingPong& cfg);

// SimGrid's own footprint for a platform of `nodes` hosts: builds it, runs one actor that
// sleeps for `duration` (distlab runs one dispatcher actor) and returns. The caller measures
// the process's peak memory.
void raw_idle_hosts(const RawPlatform& platform, Time duration);

}  // namespace distlab::sim::baseline
