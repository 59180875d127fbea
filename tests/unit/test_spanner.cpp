// Spanner-style transactions (models/spanner): two-phase commit, TrueTime, commit wait.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::run_in_child;

namespace {

std::string spanner(const std::string& model, const std::string& clocks = "sync = true",
                    double seconds = 3) {
  return fmt::format(R"(
[scenario]
seed = 3
duration_s = {}
[network]
latency_us = 100
model = "textbook"
[clocks]
{}
[node]
disk_write_latency_ms = 1
[model]
name = "spanner"
{}
)",
                     seconds, clocks, model);
}

}  // namespace

TEST_CASE("spanner: transactions across groups are externally consistent and serializable",
          "[spanner]") {
  auto r = run_in_child(spanner(
      "zones = 3\nservers_per_zone = 2\ngroups = 4\nclients = 8\nkeys = 30\nkeys_per_txn = 2\n"
      "rw_reads = true\nthink_ms = 2"));
  REQUIRE(r.status == 0);
  const auto m = r.json()["model"];
  CHECK(m["external_consistency"]["ok"] == true);
  CHECK(m["serializable"]["ok"] == true);
  CHECK(m["latency_ms"]["read_write"]["count"].get<long long>() > 100);
  CHECK(m["latency_ms"]["read_only"]["count"].get<long long>() > 50);
  CHECK(m["latency_ms"]["snapshot_read"]["count"].get<long long>() > 20);
  CHECK(m["aborts"].get<long long>() > 0);  // 30 hot keys: wound-wait aborts some
}

TEST_CASE("spanner: commit wait holds a commit back about two epsilon from its timestamp",
          "[spanner]") {
  auto on = run_in_child(spanner("clients = 2\nrw_fraction = 1\nro_fraction = 0"));
  auto off =
      run_in_child(spanner("clients = 2\nrw_fraction = 1\nro_fraction = 0\ncommit_wait = false"));
  REQUIRE(on.status == 0);
  REQUIRE(off.status == 0);
  const double a = on.json()["model"]["latency_ms"]["read_write"]["mean"];
  const double b = off.json()["model"]["latency_ms"]["read_write"]["mean"];
  // Epsilon averages 4 ms (1 to 7): commit wait ends about 2 epsilon after the timestamp was
  // chosen, so about 8 ms instead of one Paxos write (1 ms disk) plus round trips.
  CHECK(b == Approx(1.6).margin(0.3));
  CHECK(a == Approx(8.4).margin(1.5));
}

TEST_CASE("spanner: without commit wait skewed clocks break external consistency",
          "[spanner][check]") {
  const std::string model =
      "zones = 1\nservers_per_zone = 4\ngroups = 4\nclients = 8\nkeys = 40\nrw_fraction = 0.7\n"
      "ro_fraction = 0.3\nthink_ms = 2\n";
  const std::string clocks = "sync = true\nsync_interval_s = 5\nsync_uncertainty_ms = 5";
  auto off = run_in_child(spanner(model + "commit_wait = false", clocks));
  auto on = run_in_child(spanner(model + "commit_wait = true", clocks));
  CHECK(off.status == 1);
  CHECK(off.json()["model"]["external_consistency"]["ok"] == false);
  REQUIRE(on.status == 0);
  CHECK(on.json()["model"]["external_consistency"]["ok"] == true);
}

TEST_CASE("spanner: bad options are rejected naming the key", "[spanner][bad-input]") {
  auto a = run_in_child(spanner("rw_fraction = 0.8\nro_fraction = 0.5"));
  CHECK(a.status == 2);
  CHECK_THAT(a.output, Catch::Contains("model.rw_fraction"));
  auto b = run_in_child(spanner("zones = 0"));
  CHECK(b.status == 2);
  CHECK_THAT(b.output, Catch::Contains("model.zones"));
}

TEST_CASE("spanner: a leader crash stops its groups for about a lease, then they carry on",
          "[spanner][failover]") {
  const std::string model =
      "zones = 3\ngroups = 2\nclients = 6\nkeys = 100\nkeys_per_txn = 1\nrw_fraction = 0.6\n"
      "ro_fraction = 0.2\nthink_ms = 5\nlease_s = 2\npaxos_heartbeat_ms = 200\n"
      "election_timeout_ms = 400\nretry_every_ms = 200\n"
      "[[fault]]\nkind = \"crash\"\nnode = \"leader0\"\nat_s = 3\nrestart_at_s = 5\n";
  auto r = run_in_child(spanner(model, "sync = true", 10));
  REQUIRE(r.status == 0);
  const auto m = r.json()["model"];
  CHECK(m["external_consistency"]["ok"] == true);
  CHECK(m["serializable"]["ok"] == true);
  CHECK(m["paxos"]["agreement"] == true);
  // Both groups' leaders ran on the crashed server (one server per zone): new leaders after the
  // 2 s lease, and the restarted server rejoins as a follower.
  CHECK(m["paxos"]["leaderships"].get<int>() >= 4);
  const auto per_s = m["committed_per_s"];
  REQUIRE(per_s.size() >= 10);
  CHECK(per_s[2].get<int>() > 100);  // before the crash
  CHECK(per_s[4].get<int>() < per_s[2].get<int>() / 10);  // the lease is still running
  CHECK(per_s[7].get<int>() > per_s[2].get<int>() / 2);   // new leaders
}

TEST_CASE("spanner: hot keys under wound-wait stay serializable", "[spanner]") {
  // Many transactions on few keys: wounds release locks to waiters while a transaction is
  // still asking for its own (a bug once let such a transaction prepare before it had them).
  auto r = run_in_child(spanner(
      "zones = 3\ngroups = 2\nclients = 24\nkeys = 12\nkeys_per_txn = 3\nrw_fraction = 0.8\n"
      "ro_fraction = 0.1\nrw_reads = true\nthink_ms = 5",
      "sync = true", 2));
  REQUIRE(r.status == 0);
  const auto m = r.json()["model"];
  CHECK(m["serializable"]["ok"] == true);
  CHECK(m["wounds"].get<long long>() > 100);
}
