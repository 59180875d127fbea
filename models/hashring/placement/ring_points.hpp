#pragma once
// The sorted points of a consistent-hashing ring with a radix index over the top bits of the
// hash, shared by the ring strategy (ring.cpp) and bounded loads (bounded.cpp).
//
// Point i of a server is hash_bytes(name + "#" + i, seed): it depends only on the server's
// name, so a server keeps its points however the membership changes. Points are sorted by
// (hash, server id), which breaks ties between equal hashes deterministically. The successor
// of a key hash is the first point whose hash is >= the key hash, wrapping to the first point.
//
// Radix index: index_[b] is the position of the first point whose top k bits are >= b, for
// b = 0 .. 2^k, with k = ceil(log2(points)) (at most 24), so a bucket holds at most one point on
// average. A lookup reads index_[b] and index_[b + 1] for the key's top bits and scans the
// bucket's few points linearly: O(1) expected, two cache misses on a large ring.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "hashring/placement/placement.hpp"

namespace distlab::models::hashring {

class RingPoints {
 public:
  struct Point {
    std::uint64_t hash;
    ServerId id;
  };
  struct Server {
    ServerId id;
    const std::string* name;
    std::uint32_t points;
  };

  RingPoints(HashFn hash, std::uint64_t seed) : hash_(hash), seed_(seed) {}

  // Replace all points (one sort), add one server's points (a merge) or remove them.
  void build(const std::vector<Server>& servers);
  void add(const Server& s);
  void remove(ServerId id);

  // Position of the first point whose hash is >= h, wrapping to 0. Precondition: size() > 0.
  std::size_t successor(std::uint64_t h) const {
    const std::uint64_t b = h >> shift_;
    std::uint32_t i = index_[b];
    const std::uint32_t e = index_[b + 1];
    while (i < e && points_[i].hash < h) ++i;
    return i == points_.size() ? 0 : i;
  }
  ServerId owner(std::size_t pos) const { return points_[pos].id; }
  const std::vector<Point>& points() const { return points_; }
  std::size_t size() const { return points_.size(); }
  unsigned index_bits() const { return 64 - shift_; }

  std::size_t memory_bytes() const;
  // Expected steps of successor(): two index reads and the comparisons of the linear scan
  // (half a bucket's points on average, plus the one that stops it).
  double lookup_steps() const;

 private:
  void generate(const Server& s, std::vector<Point>& out) const;
  void rebuild_index();

  HashFn hash_;
  std::uint64_t seed_;
  std::vector<Point> points_;
  std::vector<std::uint32_t> index_ = {0, 0, 0};  // 2^k + 1 entries
  unsigned shift_ = 63;                           // 64 - k
};

}  // namespace distlab::models::hashring
