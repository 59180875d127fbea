#include "kv/store.hpp"

#include <string>

namespace distlab::models::kv {

void Store::recover(sim::Context& ctx) {
  data_.clear();
  applied_.clear();
  if (!durable_) return;
  for (const auto& [k, v] : ctx.storage().all()) {
    if (k.rfind("k/", 0) == 0) data_[std::stoull(k.substr(2))] = std::stoll(v);
    if (k.rfind("a/", 0) == 0) applied_.insert(std::stoull(k.substr(2)));
  }
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

namespace distlab::models::kv {

void Store::mark_applied(sim::Context& ctx, std::uint64_t op_id) {
  applied_.insert(op_id);
  if (durable_) ctx.storage().put("a/" + std::to_string(op_id), "");
}

}  // namespace distlab::models::kv
