#pragma once
// Basic vocabulary of the simulator: node ids, timer ids and simulated time.
#include <cstdint>
#include <limits>

namespace distlab::sim {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = static_cast<NodeId>(-1);  // no node
using TimerId = std::uint64_t;

// Simulated time is an integer count of nanoseconds (DESIGN.md, determinism rules).
using Time = std::int64_t;
inline constexpr Time kNever = std::numeric_limits<Time>::max();

constexpr Time ns(std::int64_t v) { return v; }
constexpr Time us(std::int64_t v) { return v * 1'000; }
constexpr Time ms(std::int64_t v) { return v * 1'000'000; }
constexpr Time sec(std::int64_t v) { return v * 1'000'000'000; }
constexpr double to_seconds(Time t) { return static_cast<double>(t) * 1e-9; }
constexpr double to_ms(Time t) { return static_cast<double>(t) * 1e-6; }
constexpr double to_us(Time t) { return static_cast<double>(t) * 1e-3; }

}  // namespace distlab::sim
