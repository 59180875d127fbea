// The explicit table of built-in models: name -> factory. No static self-registration, so the
// list is easy to read and nothing depends on link order. Protocols from outside the tree are
// added to the same Registry at run time.
#include "models/registry.hpp"

#include "chain/chain.hpp"
#include "counter/counter.hpp"
#include "demo/demo.hpp"
#include "hashring/hashring.hpp"
#include "kv/kv.hpp"
#include "paxos/paxos.hpp"
#include "spanner/spanner.hpp"

namespace distlab::models {

void register_builtin(sim::Registry& r) {
  r.add({"kv",
         "small replicated key/value stores that prove the stack",
         {"single", "primary-backup", "backup-reads"},
         kv::build});
  r.add({"hashring",
         "consistent hashing: placement strategies behind a sharded cache cluster",
         {"ring", "jump", "rendezvous", "maglev", "bounded", "modn"},
         hashring::build});
  r.add({"paxos",
         "Multi-Paxos replicated log with a key/value store, leader leases",
         {"multi-paxos", "no-adopt", "not-durable"},
         paxos::build});
  r.add({"spanner",
         "Spanner-style transactions: 2PL, 2PC across Paxos groups, TrueTime, commit wait",
         {},
         spanner::build});
  r.add({"chain",
         "chain replication: CR (reads at the tail), CRAQ (reads anywhere, version queries) and "
         "DeepSeek 3FS (CRAQ over chain tables, RDMA, SSDs, target states)",
         {"cr", "craq", "3fs", "craq-dirty-reads", "cr-any-reads", "cr-early-ack", "craq-no-lease",
          "3fs-read-pending"},
         chain::build});
  r.add({"counter",
         "Netflix-style distributed counters: best-effort regional, eventually consistent and "
         "accurate global",
         {"netflix", "no-idempotency", "no-accept-window"},
         counter::build});
  r.add({"demo",
         "tiny models that measure the simulator: ping-pong pairs, heartbeats at scale, TrueTime",
         {"pingpong", "heartbeat", "truetime"},
         demo::build});
}

}  // namespace distlab::models
