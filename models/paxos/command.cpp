#include "command.hpp"

#include <cstring>

namespace distlab::models::paxos {

std::uint64_t Command::id() const {
  auto mix = [](std::uint64_t x) {  // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  std::uint64_t h = mix(op_id + 1);
  h = mix(h ^ key) + static_cast<std::uint64_t>(kind);
  return mix(h ^ static_cast<std::uint64_t>(value));
}

namespace {
struct Stored {
  std::uint64_t op_id, key;
  sim::Value value;
  sim::NodeId client;
  std::uint32_t value_bytes;
  std::uint8_t kind;
};
}  // namespace

std::string Command::encode() const {
  const Stored st{op_id, key, value, client, value_bytes, static_cast<std::uint8_t>(kind)};
  std::string bytes(sizeof st, '\0');
  std::memcpy(bytes.data(), &st, sizeof st);
  return bytes;
}

Command Command::decode(std::string_view bytes) {
  Stored st{};
  if (bytes.size() != sizeof st) return {};
  std::memcpy(&st, bytes.data(), sizeof st);
  return Command{st.op_id, st.client, static_cast<sim::OpKind>(st.kind),
                 st.key,   st.value,  st.value_bytes};
}

}  // namespace distlab::models::paxos
