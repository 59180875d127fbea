#pragma once
// Requests in flight, under the ids the table hands out (1, 2, 3, ...). Requests finish roughly
// in the order they start, so a deque indexed by id - (oldest id held) does what a std::map
// would without a node allocation and a tree walk per request (a counter run makes millions),
// and visits entries in id order, which keeps runs deterministic. A finished request leaves an
// empty slot until every older one has finished too.
#include <cstdint>
#include <deque>
#include <optional>

namespace distlab::models::counter {

template <class T>
class IdTable {
 public:
  // Stores `value` under a new id, larger than any before.
  std::uint64_t add(T value) {
    if (slots_.empty()) first_ = next_;
    slots_.emplace_back(std::move(value));
    ++size_;
    return next_++;
  }

  // The id the next add() will hand out.
  std::uint64_t next_id() const { return next_; }

  T* find(std::uint64_t id) {
    if (id < first_ || id - first_ >= slots_.size()) return nullptr;
    auto& slot = slots_[id - first_];
    return slot ? &*slot : nullptr;
  }

  void erase(std::uint64_t id) {
    if (!find(id)) return;
    slots_[id - first_].reset();
    --size_;
    trim();
  }

  // f(id, value) for every entry, oldest first.
  template <class F>
  void for_each(F f) {
    for (std::uint64_t id = first_; id - first_ < slots_.size(); ++id)
      if (auto& slot = slots_[id - first_]) f(id, *slot);
  }

  // f(id, value) for every entry, oldest first; f returns true to erase the entry.
  template <class F>
  void erase_if(F f) {
    for (std::uint64_t id = first_; id - first_ < slots_.size(); ++id) {
      auto& slot = slots_[id - first_];
      if (slot && f(id, *slot)) {
        slot.reset();
        --size_;
      }
    }
    trim();
  }

  std::size_t size() const { return size_; }

 private:
  void trim() {
    while (!slots_.empty() && !slots_.front()) {
      slots_.pop_front();
      ++first_;
    }
  }

  std::deque<std::optional<T>> slots_;
  std::uint64_t first_ = 1;  // id of slots_[0]
  std::uint64_t next_ = 1;
  std::size_t size_ = 0;
};

}  // namespace distlab::models::counter
