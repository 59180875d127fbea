// Hardware models end to end ([[hardware]], Context::ssd_* and rdma_*): SSD bandwidth, latency,
// queue depth, IOPS, disk faults; one-sided RDMA timing, NIC bandwidth and failures. Each
// through a run of the probe model's IoProbe in a child process.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "sim_child.hpp"

using distlab::test::metric;
using distlab::test::run_in_child;

namespace {

// n0 starts `count` I/Os of `io`, `every_ns` apart; `hardware` and `faults` are TOML tables.
std::string io_probe(const std::string& io, const std::string& extra,
                     const std::string& hardware, const std::string& faults = "",
                     const std::string& network = "model = \"textbook\"") {
  return fmt::format(R"(
[scenario]
seed = 3
duration_s = 1
drain_s = 0
[network]
latency_us = 500
bandwidth_gbps = 1
{}
[model]
name = "probe"
io = "{}"
{}
{}
{}
)",
                     network, io, extra, hardware, faults);
}

// One SSD: 1 GB/s read, 100 us latency, no IOPS limit.
const std::string kSsd = R"(
[[hardware]]
nodes = "n0"
ssds = 1
ssd_read_gbps = 8
ssd_write_gbps = 4
ssd_read_latency_us = 100
ssd_write_latency_us = 20
ssd_iops = 0
)";

}  // namespace

TEST_CASE("ssd: a read takes size over bandwidth plus latency", "[hw][ssd]") {
  auto r = run_in_child(io_probe("ssd_read", "io_target = 0\nbytes = 1_000_000", kSsd));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 0, "io_ok") == 1);
  CHECK(metric(r.json(), 0, "io_first_done_ns") == 1'100'000);
  auto w = run_in_child(io_probe("ssd_write", "io_target = 0\nbytes = 1_000_000", kSsd));
  REQUIRE(w.status == 0);
  CHECK(metric(w.json(), 0, "io_first_done_ns") == 2'020'000);
}

TEST_CASE("ssd: queued I/Os share the bandwidth and overlap their latency", "[hw][ssd]") {
  // Four 1 MB reads 1 ns apart: the data path serves them one after another (4 ms), the flash
  // latency overlaps, so the last completes at 4 ms + 100 us.
  const std::string four = "io_target = 0\nbytes = 1_000_000\ncount = 4\nevery_ns = 1";
  auto r = run_in_child(io_probe("ssd_read", four, kSsd));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 0, "io_ok") == 4);
  CHECK(metric(r.json(), 0, "io_last_done_ns") == 4'100'000);
  // With a queue depth of 1 nothing overlaps: 4 x 1.1 ms.
  auto q1 = run_in_child(io_probe("ssd_read", four, kSsd + "ssd_queue_depth = 1\n"));
  REQUIRE(q1.status == 0);
  CHECK(metric(q1.json(), 0, "io_last_done_ns") == 4'400'000);
}

TEST_CASE("ssd: an IOPS limit bounds small I/Os", "[hw][ssd]") {
  // 4 KiB takes 4 us of bandwidth, but 1,000 IOPS allow one I/O per ms.
  const std::string small = "io_target = 0\nbytes = 4096\ncount = 3\nevery_ns = 1";
  auto r = run_in_child(
      io_probe("ssd_read", small, std::string(kSsd).replace(kSsd.find("ssd_iops = 0"), 12,
                                                            "ssd_iops = 1000")));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 0, "io_last_done_ns") == 3'100'000);
}

TEST_CASE("ssd: disk_slow and disk_fail faults", "[hw][ssd][fault]") {
  const std::string one = "io_target = 0\nbytes = 1_000_000";
  auto slow = run_in_child(io_probe(
      "ssd_read", one, kSsd, "[[fault]]\nkind = \"disk_slow\"\nnode = \"n0\"\nfactor = 10"));
  REQUIRE(slow.status == 0);
  CHECK(metric(slow.json(), 0, "io_first_done_ns") == 11'000'000);
  // Slow only until 0.5 ms: an I/O admitted before then stays slow, one after is not.
  auto healed = run_in_child(io_probe(
      "ssd_read", "io_target = 0\nbytes = 1_000_000\ncount = 2\nevery_ms = 20", kSsd,
      "[[fault]]\nkind = \"disk_slow\"\nnode = \"n0\"\nfactor = 10\nuntil_ms = 0.5"));
  REQUIRE(healed.status == 0);
  CHECK(metric(healed.json(), 0, "io_last_done_ns") == 21'100'000);
  auto fail = run_in_child(
      io_probe("ssd_read", "io_target = 0\nbytes = 1000\ncount = 3", kSsd,
               "[[fault]]\nkind = \"disk_fail\"\nnode = \"n0\"\ndisk = 0\nat_ms = 1.5"));
  REQUIRE(fail.status == 0);
  CHECK(metric(fail.json(), 0, "io_ok") == 2);  // at 0 and 1 ms
  CHECK(metric(fail.json(), 0, "io_failed") == 1);
}

TEST_CASE("rdma: a one-sided read or write costs a round trip plus the bytes", "[hw][rdma]") {
  // 1 MB over 1 Gbit/s = 8 ms, plus 2 x 500 us; the same on both network models.
  for (const char* model : {"flow", "textbook", "fluid"}) {
    for (const char* io : {"rdma_read", "rdma_write"}) {
      auto r = run_in_child(io_probe(io, "bytes = 1_000_000", "",  "",
                                     fmt::format("model = \"{}\"", model)));
      REQUIRE(r.status == 0);
      CHECK(metric(r.json(), 0, "io_ok") == 1);
      CHECK(metric(r.json(), 0, "io_first_done_ns") == 9'000'000);
      CHECK(r.json()["nodes"][1]["delivered"].get<long long>() == 0);  // no handler ran there
    }
  }
}

TEST_CASE("rdma: NIC bandwidth comes from [[hardware]]", "[hw][rdma]") {
  const std::string nics = "[[hardware]]\nnodes = [\"n0\", \"n1\"]\nnic_gbps = 2\n";
  for (const char* model : {"flow", "textbook", "fluid"}) {
    auto r = run_in_child(
        io_probe("rdma_read", "bytes = 1_000_000", nics, "", fmt::format("model = \"{}\"", model)));
    REQUIRE(r.status == 0);
    CHECK(metric(r.json(), 0, "io_first_done_ns") == 5'000'000);
  }
  // Two concurrent reads from n1 share its 1 Gbit/s link on the flow network: 16 ms of bytes.
  auto shared = run_in_child(io_probe("rdma_read", "bytes = 1_000_000\ncount = 2\nevery_ns = 1",
                                      "", "", "model = \"flow\""));
  REQUIRE(shared.status == 0);
  CHECK(metric(shared.json(), 0, "io_last_done_ns") == Approx(17'000'000).epsilon(0.001));
}

TEST_CASE("rdma: a dead peer makes the I/O fail after the timeout", "[hw][rdma][fault]") {
  for (const char* model : {"flow", "textbook", "fluid"}) {
    auto r = run_in_child(io_probe("rdma_write", "bytes = 1000",
                                   "[[hardware]]\nnodes = \"n0\"\nrdma_timeout_ms = 2\n",
                                   "[[fault]]\nkind = \"crash\"\nnode = \"n1\"\nat_s = 0",
                                   fmt::format("model = \"{}\"", model)));
    REQUIRE(r.status == 0);
    CHECK(metric(r.json(), 0, "io_failed") == 1);
    CHECK(metric(r.json(), 0, "io_first_done_ns") == 2'000'000);
  }
}

TEST_CASE("hardware: bad entries are errors that name the key", "[hw][config]") {
  auto p = run_in_child(io_probe("ssd_read", "", "[[hardware]]\nprofile = \"nope\"\n"));
  CHECK(p.status == 2);
  CHECK_THAT(p.output, Catch::Contains("hardware[0].profile") && Catch::Contains("3fs-storage"));
  auto n = run_in_child(io_probe("ssd_read", "", "[[hardware]]\nnodes = \"n7\"\nssds = 1\n"));
  CHECK(n.status == 2);
  CHECK_THAT(n.output, Catch::Contains("hardware[0].nodes") && Catch::Contains("n7"));
  auto d = run_in_child(
      io_probe("ssd_read", "", kSsd, "[[fault]]\nkind = \"disk_fail\"\nnode = \"n0\"\ndisk = 3"));
  CHECK(d.status == 2);
  CHECK_THAT(d.output, Catch::Contains("fault[0].disk") && Catch::Contains("no disk 3"));
  auto none = run_in_child(
      io_probe("ssd_read", "", "", "[[fault]]\nkind = \"disk_slow\"\nnode = \"n1\""));
  CHECK(none.status == 2);
  CHECK_THAT(none.output, Catch::Contains("has 0 SSDs"));
  auto k = run_in_child(io_probe("ssd_read", "", "[[hardware]]\nssd_count = 2\n"));
  CHECK(k.status == 2);
  CHECK_THAT(k.output, Catch::Contains("ssd_count"));
}

TEST_CASE("hardware: a profile gives 3FS's storage node", "[hw][config]") {
  auto r = run_in_child(io_probe("ssd_read", "io_target = 15\nbytes = 7_000_000",
                                 "[[hardware]]\nnodes = \"n0\"\nprofile = \"3fs-storage\"\n"));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 0, "io_ok") == 1);
  CHECK(metric(r.json(), 0, "io_first_done_ns") == 1'080'000);  // 7 MB at 7 GB/s + 80 us
}

TEST_CASE("ssd: overlapping disk faults: the disk stays failed while any lasts", "[hw][ssd][fault]") {
  // A permanent disk_fail at 1.5 ms and another from 2.5 to 3.5 ms: reads every 1 ms from 0 on;
  // the end of the second must not bring the disk back.
  auto r = run_in_child(io_probe(
      "ssd_read", "io_target = 0\nbytes = 1000\ncount = 8", kSsd,
      "[[fault]]\nkind = \"disk_fail\"\nnode = \"n0\"\nat_ms = 1.5\n"
      "[[fault]]\nkind = \"disk_fail\"\nnode = \"n0\"\nat_ms = 2.5\nuntil_ms = 3.5\n"
      "[[fault]]\nkind = \"disk_slow\"\nnode = \"n0\"\nfactor = 4\nat_ms = 0.2\nuntil_ms = 0.7\n"));
  REQUIRE(r.status == 0);
  CHECK(metric(r.json(), 0, "io_ok") == 2);  // at 0 and 1 ms
  CHECK(metric(r.json(), 0, "io_failed") == 6);
}
