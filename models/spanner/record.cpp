#include "record.hpp"

#include <cstring>

namespace distlab::models::spanner {

std::string Record::describe() const {
  static constexpr const char* kNames[] = {"noop", "prepare", "commit", "abort"};
  return fmt::format("{} txn {} ts {}", kNames[static_cast<int>(type)], txn, ts);
}

std::uint64_t Record::id() const {
  auto mix = [](std::uint64_t x) {  // splitmix64's finalizer
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  std::uint64_t h = mix(static_cast<std::uint64_t>(type) + 1);
  h = mix(h ^ txn);
  h = mix(h ^ static_cast<std::uint64_t>(ts));
  for (const auto& w : writes) h = mix(h ^ w.key) ^ static_cast<std::uint64_t>(w.value);
  return h;
}

namespace {

template <class T>
void put(std::string& out, const T& x) {
  out.append(reinterpret_cast<const char*>(&x), sizeof x);
}

template <class T>
bool take(std::string_view& in, T& x) {
  if (in.size() < sizeof x) return false;
  std::memcpy(&x, in.data(), sizeof x);
  in.remove_prefix(sizeof x);
  return true;
}

}  // namespace

std::string Record::encode() const {
  std::string out;
  out.reserve(40 + 4 * participants.size() + 16 * writes.size());
  put(out, static_cast<std::uint8_t>(type));
  put(out, txn);
  put(out, ts);
  put(out, priority);
  put(out, coordinator);
  put(out, value_bytes);
  put(out, static_cast<std::uint32_t>(participants.size()));
  put(out, static_cast<std::uint32_t>(writes.size()));
  for (auto p : participants) put(out, p);
  for (const auto& w : writes) {
    put(out, w.key);
    put(out, w.value);
  }
  return out;
}

Record Record::decode(std::string_view in) {
  Record r;
  std::uint8_t type = 0;
  std::uint32_t np = 0, nw = 0;
  if (!take(in, type) || !take(in, r.txn) || !take(in, r.ts) || !take(in, r.priority) || !take(in, r.coordinator) ||
      !take(in, r.value_bytes) || !take(in, np) || !take(in, nw) || type > 3)
    return {};
  r.type = static_cast<Type>(type);
  r.participants.resize(np);
  for (auto& p : r.participants)
    if (!take(in, p)) return {};
  r.writes.resize(nw);
  for (auto& w : r.writes) {
    if (!take(in, w.key) || !take(in, w.value)) return {};
    w.version = r.ts;
  }
  return r;
}

}  // namespace distlab::models::spanner
