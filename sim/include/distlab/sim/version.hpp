#pragma once
namespace distlab::sim {
inline constexpr const char* kVersion = "0.1.0";
}
