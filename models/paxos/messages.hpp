#pragma once
// Multi-Paxos messages (Lamport, "Paxos Made Simple", 2001; the leader-based log of "Paxos Made
// Live", Chandra et al. 2007), for a log of commands of type Cmd. Every message names the Paxos
// group it belongs to, so that one node can hold replicas of many groups (Spanner's
// spanservers). A ballot is (round, replica id) packed so that comparing the numbers compares
// rounds first and breaks ties by replica id.
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "distlab/sim/types.hpp"

namespace distlab::models::paxos {

using Ballot = std::uint64_t;  // 0 = none
inline Ballot make_ballot(std::uint64_t round, sim::NodeId id) { return round << 16 | id; }
inline std::uint64_t round_of(Ballot b) { return b >> 16; }
inline sim::NodeId owner_of(Ballot b) { return static_cast<sim::NodeId>(b & 0xffff); }

template <class Cmd>
struct Entry {
  std::uint64_t slot = 0;
  Ballot ballot = 0;
  Cmd cmd;
};

template <class Cmd>
std::size_t entries_bytes(const std::vector<Entry<Cmd>>& es) {
  std::size_t n = 0;
  for (const auto& e : es) n += 16 + e.cmd.size_bytes();
  return n;
}

// Phase 1a: a candidate asks for promises not to accept lower ballots, and for what the
// acceptor accepted in slots from `from` on.
struct Prepare {
  std::uint32_t group = 0;
  Ballot ballot = 0;
  std::uint64_t from = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const {
    return fmt::format("prepare g{} b{}.{} from {}", group, round_of(ballot), owner_of(ballot),
                       from);
  }
};

// Phase 1b.
template <class Cmd>
struct Promise {
  std::uint32_t group = 0;
  Ballot ballot = 0;
  std::vector<Entry<Cmd>> accepted;
  std::size_t size_bytes() const { return 24 + entries_bytes(accepted); }
  std::string describe() const {
    return fmt::format("promise g{} b{}.{} ({} accepted)", group, round_of(ballot),
                       owner_of(ballot), accepted.size());
  }
};

// Phase 2a; `chosen_upto` tells followers which slots are decided (every slot below it).
template <class Cmd>
struct Accept {
  std::uint32_t group = 0;
  Ballot ballot = 0;
  Entry<Cmd> entry;
  std::uint64_t chosen_upto = 0;
  std::size_t size_bytes() const { return 32 + entry.cmd.size_bytes(); }
  std::string describe() const {
    return fmt::format("accept g{} b{}.{} slot {} {}", group, round_of(ballot), owner_of(ballot),
                       entry.slot, entry.cmd.describe());
  }
};

// Phase 2b.
struct Accepted {
  std::uint32_t group = 0;
  Ballot ballot = 0;
  std::uint64_t slot = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const {
    return fmt::format("accepted g{} b{}.{} slot {}", group, round_of(ballot), owner_of(ballot),
                       slot);
  }
};

// A refusal: the acceptor has promised `promised` (higher), or holds a lease for another leader.
struct Nack {
  std::uint32_t group = 0;
  Ballot ballot = 0;    // the ballot refused
  Ballot promised = 0;  // what the acceptor promised instead
  std::size_t size_bytes() const { return 24; }
  std::string describe() const {
    return fmt::format("nack g{} b{}.{}", group, round_of(ballot), owner_of(ballot));
  }
};

// Leader -> followers every heartbeat interval: still here; the decided prefix; a lease
// request (round `lease_round`; 0 asks for none: an announcement of decided slots).
struct Heartbeat {
  std::uint32_t group = 0;
  Ballot ballot = 0;
  std::uint64_t chosen_upto = 0;
  std::uint64_t lease_round = 0;
  std::size_t size_bytes() const { return 32; }
  std::string describe() const {
    return fmt::format("heartbeat g{} b{}.{} chosen<{}", group, round_of(ballot),
                       owner_of(ballot), chosen_upto);
  }
};

// Follower -> leader: lease granted for heartbeat round `lease_round`.
struct HeartbeatAck {
  std::uint32_t group = 0;
  Ballot ballot = 0;
  std::uint64_t lease_round = 0;
  std::size_t size_bytes() const { return 24; }
  std::string describe() const { return fmt::format("lease-ack g{} round {}", group, lease_round); }
};

// A lagging or restarted replica asks for decided slots from `from` on.
struct CatchupRequest {
  std::uint32_t group = 0;
  std::uint64_t from = 0;
  std::size_t size_bytes() const { return 16; }
  std::string describe() const { return fmt::format("catchup g{} from {}", group, from); }
};

template <class Cmd>
struct CatchupReply {
  std::uint32_t group = 0;
  std::vector<Entry<Cmd>> chosen;  // decided commands, consecutive slots
  std::size_t size_bytes() const { return 16 + entries_bytes(chosen); }
  std::string describe() const {
    return fmt::format("catchup g{} {} entries", group, chosen.size());
  }
};

}  // namespace distlab::models::paxos
