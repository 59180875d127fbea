#include "directory.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace distlab::models::hashring {
namespace {
using json = nlohmann::ordered_json;

json balance_json(const Balance& b) {
  return {{"servers", b.servers},
          {"mean", b.mean},
          {"stddev_rel", b.stddev_rel},
          {"max_over_mean", b.max_over_mean},
          {"min_over_mean", b.min_over_mean}};
}

double ratio(std::uint64_t a, std::uint64_t b) {
  return a + b ? static_cast<double>(a) / static_cast<double>(a + b) : 0.0;
}

}  // namespace

Directory::Directory(ClusterConfig c, std::unique_ptr<Placement> p,
                     std::shared_ptr<sim::ModelInstance::TrueClock> clock)
    : c_(std::move(c)), p_(std::move(p)), clock_(std::move(clock)) {
  const std::size_t n = c_.names.size();
  requests_.assign(n, 0);
  hits_.assign(n, 0);
  misses_.assign(n, 0);
  keys_ = key_hashes(c_.placement.hash, c_.analysis_keys, c_.placement.seed);
}

std::uint64_t Directory::key_hash(std::uint64_t key) const {
  return hash_u64(c_.placement.hash, key, c_.placement.seed);
}

sim::NodeId Directory::owner(std::uint64_t key) const {
  if (members_.empty()) return sim::kNoNode;
  return p_->lookup(key_hash(key));
}

std::vector<ServerId> Directory::assign() const { return assign_all(*p_, keys_); }

void Directory::set_members(const std::vector<sim::NodeId>& members, sim::Time at) {
  auto member = [&](sim::NodeId id) { return Member{id, c_.names[id], c_.weights[id]}; };
  if (!started_) {
    started_ = true;
    std::vector<Member> ms;
    for (auto id : members) ms.push_back(member(id));
    p_->reset(ms);
    members_ = members;
    initial_members_ = members;
    if (!members_.empty()) {
      p_->place_keys(keys_);
      owners_ = assign();
      initial_ = balance(owners_, members_);
    }
    return;
  }
  if (members == members_) return;
  Change ch;
  ch.at = at;
  ch.before = members_.size();
  ch.after = members.size();
  std::vector<sim::NodeId> added, removed;
  std::set_difference(members.begin(), members.end(), members_.begin(), members_.end(),
                      std::back_inserter(added));
  std::set_difference(members_.begin(), members_.end(), members.begin(), members.end(),
                      std::back_inserter(removed));
  ch.join = !added.empty();
  ch.servers = ch.join ? added : removed;
  for (auto id : removed) p_->remove(id);
  for (auto id : added) p_->add(member(id));
  members_ = members;
  if (members_.empty()) {  // every server left: every key lost its owner
    owners_.clear();
    if (!keys_.empty()) ch.moved = 1.0;
    ch.ideal = 1.0;
    changes_.push_back(ch);
    return;
  }
  p_->place_keys(keys_);
  std::vector<ServerId> now = assign();
  if (!initial_) initial_ = balance(now, members_);  // the first members arrived by joining
  if (!owners_.empty()) {
    std::uint64_t moved = 0;
    for (std::size_t i = 0; i < now.size(); ++i) {
      if (now[i] == owners_[i]) continue;
      ++moved;
      const bool to_joiner = std::find(added.begin(), added.end(), now[i]) != added.end();
      const bool from_leaver =
          std::find(removed.begin(), removed.end(), owners_[i]) != removed.end();
      if (!(ch.join ? to_joiner : from_leaver)) ch.monotone = false;
    }
    ch.moved = static_cast<double>(moved) / static_cast<double>(keys_.size());
  } else if (!keys_.empty()) {
    ch.moved = 1.0;  // from no members at all
  }
  // Ideal: a join of k servers moves k/(n+k) of the keys, a leave of k moves k/n. (A change
  // that both adds and removes servers, at the same instant, is counted as a join.)
  const double k = static_cast<double>(ch.servers.size());
  ch.ideal = ch.join     ? k / static_cast<double>(ch.after)
             : ch.before ? k / static_cast<double>(ch.before)
                         : 0;
  ch.balance = balance(now, members_);
  owners_ = std::move(now);
  changes_.push_back(ch);
}

void Directory::lookup(sim::NodeId server, bool hit) {
  (hit ? hits_ : misses_)[server]++;
  const sim::Time at = clock_->now();
  const auto b = static_cast<std::size_t>(std::max<sim::Time>(at, 0) / c_.bucket);
  if (b >= bucket_hits_.size()) {
    bucket_hits_.resize(b + 1, 0);
    bucket_misses_.resize(b + 1, 0);
  }
  (hit ? bucket_hits_ : bucket_misses_)[b]++;
}

sim::ModelInstance::Report Directory::report() const {
  json j;
  j["strategy"] = p_->name();
  j["describe"] = p_->describe();
  j["hash"] = to_string(c_.placement.hash);
  j["servers"] = c_.names.size();
  j["members_at_end"] = members_.size();
  j["placement"] = {{"analysis_keys", keys_.size()},
                    {"memory_bytes", p_->memory_bytes()},
                    {"lookup_steps", p_->lookup_steps()}};
  j["balance"] = initial_ ? balance_json(*initial_) : json(nullptr);
  json changes = json::array();
  for (const Change& ch : changes_) {
    json names = json::array();
    for (auto id : ch.servers) names.push_back(c_.names[id]);
    changes.push_back({{"t_s", sim::to_seconds(ch.at)},
                       {"event", ch.join ? "join" : "leave"},
                       {"servers", names},
                       {"members_before", ch.before},
                       {"members_after", ch.after},
                       {"moved_fraction", ch.moved ? json(*ch.moved) : json(nullptr)},
                       {"ideal_fraction", ch.ideal},
                       {"moved_over_ideal",
                        ch.moved && ch.ideal > 0 ? json(*ch.moved / ch.ideal) : json(nullptr)},
                       {"monotone", ch.monotone},
                       {"balance", balance_json(ch.balance)}});
  }
  j["changes"] = changes;

  // Request load over the servers that were members for the whole run (zeros included).
  std::vector<bool> changed(c_.names.size(), false);
  for (const Change& ch : changes_)
    for (auto id : ch.servers) changed[id] = true;
  std::vector<std::uint64_t> load;
  std::uint64_t hits = 0, misses = 0, requests = 0;
  for (std::size_t id = 0; id < c_.names.size(); ++id) {
    hits += hits_[id];
    misses += misses_[id];
    requests += requests_[id];
  }
  for (auto id : initial_members_)
    if (!changed[id]) load.push_back(requests_[id]);
  const Balance rl = balance_of_counts(load);
  j["requests"] = {{"total", requests},       {"hits", hits},
                   {"misses", misses},        {"hit_ratio", ratio(hits, misses)},
                   {"evictions", evictions_}, {"per_server", balance_json(rl)}};
  json series = json::array();
  for (std::size_t b = 0; b < bucket_hits_.size(); ++b)
    series.push_back({{"t_s", static_cast<double>(static_cast<sim::Time>(b) * c_.bucket) / 1e9},
                      {"hits", bucket_hits_[b]},
                      {"misses", bucket_misses_[b]},
                      {"hit_ratio", ratio(bucket_hits_[b], bucket_misses_[b])}});
  j["hit_ratio_over_time"] = series;

  std::string s;
  s += fmt::format("  placement   {}; {} bytes, ~{:.3g} steps per lookup\n", p_->describe(),
                   p_->memory_bytes(), p_->lookup_steps());
  if (c_.maglev_small_table)
    s += "              note: table_size <= 100 x servers; Maglev's balance needs M > 100 N\n";
  if (initial_)
    s += fmt::format(
        "  key balance {} keys over {} servers: stddev/mean {:.4f}, max/mean {:.4f}, min/mean "
        "{:.4f}\n",
        keys_.size(), initial_->servers, initial_->stddev_rel, initial_->max_over_mean,
        initial_->min_over_mean);
  auto bucket_ratio = [&](sim::Time at) -> std::string {
    const auto b = static_cast<std::size_t>(at / c_.bucket);
    if (b >= bucket_hits_.size()) return "-";
    return fmt::format("{:.3f}", ratio(bucket_hits_[b], bucket_misses_[b]));
  };
  for (const Change& ch : changes_) {
    std::string names;
    for (auto id : ch.servers) names += (names.empty() ? "" : ",") + c_.names[id];
    s += fmt::format("  at {:>7.3f} s {} {} ({} -> {} servers): ", sim::to_seconds(ch.at),
                     ch.join ? "join " : "leave", names, ch.before, ch.after);
    if (ch.moved)
      s += fmt::format("moved {:.4f} of keys, ideal {:.4f} ({:.2f}x){}", *ch.moved, ch.ideal,
                       ch.ideal > 0 ? *ch.moved / ch.ideal : 0.0,
                       ch.monotone ? "" : ", NOT monotone");
    else
      s += "no keys to move";
    if (ch.after > 0)
      s += fmt::format("; stddev/mean {:.4f}, max/mean {:.4f}", ch.balance.stddev_rel,
                       ch.balance.max_over_mean);
    s += "\n";
    if (requests > 0)
      s += fmt::format(
          "              hit ratio: {} in the {:g} s before, {} in the {:g} s of the change, {} "
          "after\n",
          ch.at >= c_.bucket ? bucket_ratio(ch.at - c_.bucket) : "-", sim::to_seconds(c_.bucket),
          bucket_ratio(ch.at), sim::to_seconds(c_.bucket), bucket_ratio(ch.at + c_.bucket));
  }
  if (requests > 0)
    s += fmt::format(
        "  cache       {} requests, hit ratio {:.3f} ({} hits, {} misses, {} evictions); requests "
        "per server stddev/mean {:.3f}, max/mean {:.3f} (the {} servers that were members "
        "throughout)\n",
        requests, ratio(hits, misses), hits, misses, evictions_, rl.stddev_rel, rl.max_over_mean,
        load.size());
  return {j.dump(), s};
}

}  // namespace distlab::models::hashring
