#pragma once
// Multi-Paxos messages (Lamport, "Paxos Made Simple", 2001; the leader-based log of "Paxos Made
// Live", Chandra et al. 2007). A ballot is (round, replica id) packed so that comparing the
// numbers compares rounds first and breaks ties by replica id.
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "distlab/sim/history.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::models::paxos {

using Ballot = std::uint64_t;  // 0 = none
inline Ballot make_ballot(std::uint64_t round, sim::NodeId id) { return round << 16 | id; }
inline std::uint64_t round_of(Ballot b) { return b >> 16; }
inline sim::NodeId owner_of(Ballot b) { return static_cast<sim::NodeId>(b & 0xffff); }

// A client operation in the log; op_id 0 is a no-op (fills a slot a new leader found empty).
struct Command {
  std::uint64_t op_id = 0;
  sim::NodeId client = 0;
  sim::OpKind kind = sim::OpKind::read;
  std::uint64_t key = 0;
  sim::Value value = 0;
  std::uint32_t value_bytes = 0;
  bool operator==(const Command&) const = default;
  std::size_t size_bytes() const { return 40 + (kind == sim::OpKind::write ? value_bytes : 0); }
  std::uint64_t id() const;  // identifies the command for the agreement checker
};

struct Entry {
  std::uint64_t slot = 0;
  Ballot ballot = 0;
  Command cmd;
};

inline std::size_t entries_bytes(const std::vector<Entry>& es) {
  std::size_t n = 0;
  for (const auto& e : es) n += 16 + e.cmd.size_bytes();
  return n;
}

// Phase 1a: a candidate asks for promises not to accept lower ballots, and for what the
// acceptor accepted in slots from `from` on.
struct Prepare {
  Ballot ballot = 0;
  std::uint64_t from = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const {
    return fmt::format("prepare b{}.{} from {}", round_of(ballot), owner_of(ballot), from);
  }
};

// Phase 1b.
struct Promise {
  Ballot ballot = 0;
  std::vector<Entry> accepted;
  std::size_t size_bytes() const { return 24 + entries_bytes(accepted); }
  std::string describe() const {
    return fmt::format("promise b{}.{} ({} accepted)", round_of(ballot), owner_of(ballot),
                       accepted.size());
  }
};

// Phase 2a; `chosen_upto` tells followers which slots are decided (every slot below it).
struct Accept {
  Ballot ballot = 0;
  Entry entry;
  std::uint64_t chosen_upto = 0;
  std::size_t size_bytes() const { return 32 + entry.cmd.size_bytes(); }
  std::string describe() const {
    return fmt::format("accept b{}.{} slot {} op {}", round_of(ballot), owner_of(ballot),
                       entry.slot, entry.cmd.op_id);
  }
};

// Phase 2b.
struct Accepted {
  Ballot ballot = 0;
  std::uint64_t slot = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const {
    return fmt::format("accepted b{}.{} slot {}", round_of(ballot), owner_of(ballot), slot);
  }
};

// A refusal: the acceptor has promised `promised` (higher), or holds a lease for another leader.
struct Nack {
  Ballot ballot = 0;    // the ballot refused
  Ballot promised = 0;  // what the acceptor promised instead
  std::size_t size_bytes() const { return 24; }
  std::string describe() const {
    return fmt::format("nack b{}.{}", round_of(ballot), owner_of(ballot));
  }
};

// Leader -> followers every heartbeat interval: still here; the decided prefix; a lease
// request (round `lease_round`).
struct Heartbeat {
  Ballot ballot = 0;
  std::uint64_t chosen_upto = 0;
  std::uint64_t lease_round = 0;
  std::size_t size_bytes() const { return 32; }
  std::string describe() const {
    return fmt::format("heartbeat b{}.{} chosen<{}", round_of(ballot), owner_of(ballot),
                       chosen_upto);
  }
};

// Follower -> leader: lease granted for heartbeat round `lease_round`.
struct HeartbeatAck {
  Ballot ballot = 0;
  std::uint64_t lease_round = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("lease-ack round {}", lease_round); }
};

// A lagging or restarted replica asks for decided slots from `from` on.
struct CatchupRequest {
  std::uint64_t from = 0;
  std::size_t size_bytes() const { return 16; }
  std::string describe() const { return fmt::format("catchup from {}", from); }
};

struct CatchupReply {
  std::vector<Entry> chosen;  // decided commands, consecutive slots
  std::size_t size_bytes() const { return 16 + entries_bytes(chosen); }
  std::string describe() const { return fmt::format("catchup {} entries", chosen.size()); }
};

}  // namespace distlab::models::paxos
