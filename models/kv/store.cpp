#include "kv/store.hpp"

#include <string>

namespace distlab::models::kv {

void Store::recover(sim::Context& ctx) {
  data_.clear();
  if (!durable_) return;
  for (const auto& [k, v] : ctx.storage().all())
    if (k.rfind("k/", 0) == 0) data_[std::stoull(k.substr(2))] = std::stoll(v);
}

sim::Value Store::get(std::uint64_t key) const {
  auto it = data_.find(key);
  return it == data_.end() ? sim::kInitialValue : it->second;
}

void Store::put(sim::Context& ctx, std::uint64_t key, sim::Value v) {
  data_[key] = v;
  if (durable_) ctx.storage().put("k/" + std::to_string(key), std::to_string(v));
}

}  // namespace distlab::models::kv
