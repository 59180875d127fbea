#pragma once
// A record in a Spanner group's Paxos log (models/paxos/log.hpp): two-phase commit's prepare
// record (with what a new leader needs to carry the transaction on), a commit record (the
// writes at their timestamp) or an abort record. Every replica applies the log in order.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages.hpp"

namespace distlab::models::spanner {

struct Record {
  enum class Type : std::uint8_t { noop, prepare, commit, abort };
  Type type = Type::noop;
  TxnId txn = 0;
  sim::Time ts = 0;                         // prepare or commit timestamp
  sim::Time priority = 0;                   // prepare: the transaction's wound-wait age
  std::uint32_t coordinator = 0;            // prepare: the coordinator group
  std::vector<std::uint32_t> participants;  // prepare: every participant group
  std::vector<KeyValue> writes;             // prepare and commit: this group's writes
  std::uint32_t value_bytes = 0;            // bytes a value carries on the network

  bool noop() const { return type == Type::noop; }
  std::size_t size_bytes() const {
    return 48 + 4 * participants.size() + kv_bytes(writes, value_bytes);
  }
  std::string describe() const;
  std::uint64_t id() const;  // identifies the record for the agreement checker
  // Durable bytes: keys and values as numbers (the value's payload bytes are counted on the
  // network, not stored).
  std::string encode() const;
  static Record decode(std::string_view bytes);
};

}  // namespace distlab::models::spanner
