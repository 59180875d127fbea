// The baseline: server members[key_hash mod n], in add order. Perfectly balanced and one probe
// per lookup, but almost every key moves when n changes (about n / (n + 1) of them on a join).
#include <fmt/format.h>

#include <algorithm>

#include "distlab/sim/error.hpp"
#include "hashring/placement/strategies.hpp"

namespace distlab::models::hashring {

namespace {

class ModN final : public Placement {
 public:
  explicit ModN(const PlacementConfig&) {}

  std::string name() const override { return "modn"; }

  void add(const Member& m) override {
    DISTLAB_ASSERT(std::find(ids_.begin(), ids_.end(), m.id) == ids_.end(),
                   fmt::format("server {} is already a member", m.id));
    members_.push_back(m);
    ids_.push_back(m.id);
  }

  void remove(ServerId id) override {
    const auto it = std::find(ids_.begin(), ids_.end(), id);
    DISTLAB_ASSERT(it != ids_.end(), fmt::format("server {} is not a member", id));
    members_.erase(members_.begin() + (it - ids_.begin()));
    ids_.erase(it);
  }

  void reset(const std::vector<Member>& members) override {
    assert_distinct_ids(members);
    members_ = members;
    ids_.clear();
    for (const Member& m : members) ids_.push_back(m.id);
  }

  std::size_t size() const override { return ids_.size(); }

  ServerId lookup(std::uint64_t key_hash) const override { return ids_[key_hash % ids_.size()]; }

  std::size_t memory_bytes() const override { return ids_.capacity() * sizeof(ServerId); }
  double lookup_steps() const override { return 1.0; }
  std::string describe() const override { return fmt::format("modn {} servers", ids_.size()); }

 private:
  std::vector<ServerId> ids_;  // the ids of members_, in add order
};

}  // namespace

std::unique_ptr<Placement> make_modn(const PlacementConfig& c) { return std::make_unique<ModN>(c); }

}  // namespace distlab::models::hashring
