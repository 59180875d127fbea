// Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
// 2014): maps a 64-bit key to a bucket in [0, n) with no state but n, in O(ln n) iterations of
// a linear congruential generator. Going from n to n + 1 buckets moves exactly the keys that
// land in the new bucket, 1/(n + 1) of them in expectation, and balance is essentially perfect.
//
// Buckets map to servers through a vector: add appends a bucket. Jump hash can only take away
// its highest bucket with minimal movement. Removing the server of the last bucket pops it
// (exactly that server's keys move); removing any other server moves the last bucket's server
// into the freed slot, so the removed server's keys move to it and the last bucket's keys are
// spread over the others: about 2/n of the keys move instead of 1/n.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "distlab/sim/error.hpp"
#include "hashring/placement/strategies.hpp"

namespace distlab::models::hashring {

// The published algorithm, verbatim but for the casts.
std::int32_t jump_hash_published(std::uint64_t key, std::int32_t num_buckets) {
  std::int64_t b = -1;
  std::int64_t j = 0;
  while (j < num_buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<std::int64_t>(
        static_cast<double>(b + 1) *
        (static_cast<double>(1LL << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<std::int32_t>(b);
}

// The same arithmetic with a shorter dependency chain from one iteration to the next. The
// published loop goes double -> integer (truncation) -> integer + 1 -> double -> multiply; on
// a 2 GHz core that chain, not the division, sets the speed (about 7.5 ns per iteration). Here
// j stays a double: trunc (roundsd, SSE4.1) gives the same integer value as the cast, because
// the product is below 2^62; the next product (j + 1) * q equals fma(j, q, q) exactly, since
// j + 1 is an exact double and both round the same real number once; and j < n compares the
// same integers. So the results are identical (the unit tests compare them) and the loop is
// about 1.6 times faster.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("sse4.1,fma"))) std::int32_t jump_hash_fma(std::uint64_t key,
                                                                 std::int32_t num_buckets) {
  const double n = num_buckets;
  double b = -1;
  double j = 0;
  while (j < n) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    const double q = static_cast<double>(1LL << 31) / static_cast<double>((key >> 33) + 1);
    j = __builtin_trunc(std::fma(b, q, q));
  }
  return static_cast<std::int32_t>(b);
}
bool jump_hash_fma_supported() {
  return __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("fma");
}
#else
std::int32_t jump_hash_fma(std::uint64_t key, std::int32_t num_buckets) {
  return jump_hash_published(key, num_buckets);
}
bool jump_hash_fma_supported() { return false; }
#endif

namespace {

template <bool kFma>
class Jump final : public Placement {
 public:
  explicit Jump(const PlacementConfig&) {}

  std::string name() const override { return "jump"; }

  void add(const Member& m) override {
    DISTLAB_ASSERT(std::find(buckets_.begin(), buckets_.end(), m.id) == buckets_.end(),
                   fmt::format("server {} is already a member", m.id));
    DISTLAB_ASSERT(buckets_.size() < (1u << 31) - 1, "jump hash has fewer than 2^31 buckets");
    members_.push_back(m);
    buckets_.push_back(m.id);
  }

  void remove(ServerId id) override {
    const auto slot = std::find(buckets_.begin(), buckets_.end(), id);
    DISTLAB_ASSERT(slot != buckets_.end(), fmt::format("server {} is not a member", id));
    *slot = buckets_.back();  // a no-op when the last bucket is removed
    buckets_.pop_back();
    std::erase_if(members_, [id](const Member& m) { return m.id == id; });
  }

  void reset(const std::vector<Member>& members) override {
    assert_distinct_ids(members);
    members_ = members;
    buckets_.clear();
    for (const Member& m : members) buckets_.push_back(m.id);
  }

  std::size_t size() const override { return buckets_.size(); }

  ServerId lookup(std::uint64_t key_hash) const override {
    const auto n = static_cast<std::int32_t>(buckets_.size());
    const std::int32_t b = kFma ? jump_hash_fma(key_hash, n) : jump_hash_published(key_hash, n);
    return buckets_[static_cast<std::size_t>(b)];
  }

  std::size_t memory_bytes() const override { return buckets_.capacity() * sizeof(ServerId); }
  // The loop runs about ln(n) + 1 times (one LCG step, one division each).
  double lookup_steps() const override {
    return std::log(static_cast<double>(std::max<std::size_t>(buckets_.size(), 1))) + 1.0;
  }
  std::string describe() const override { return fmt::format("jump {} buckets", buckets_.size()); }

 private:
  std::vector<ServerId> buckets_;  // bucket -> server
};

}  // namespace

// Both loops give the same buckets; the faster one is used when the CPU has SSE4.1 and FMA.
std::unique_ptr<Placement> make_jump(const PlacementConfig& c) {
  if (jump_hash_fma_supported()) return std::make_unique<Jump<true>>(c);
  return std::make_unique<Jump<false>>(c);
}

}  // namespace distlab::models::hashring
