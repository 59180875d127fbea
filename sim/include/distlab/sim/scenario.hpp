#pragma once
// A scenario file, parsed and validated. Loading checks every key (unknown keys are errors),
// every type and every range, and reports the file, line, column and key path of a problem.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/error.hpp"
#include "distlab/sim/hw/hardware.hpp"
#include "distlab/sim/options.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::sim {

struct RegionConfig {
  std::string name;
  Time latency = us(100);  // one-way, between two hosts of the region
};

struct NetworkConfig {
  enum class Topology { lan, regions };
  // flow: SimGrid's flow model with textbook latency + size/bandwidth and bandwidth sharing
  // between concurrent flows; lv08: SimGrid's TCP-calibrated factors; textbook: latency +
  // size/bandwidth per message, no sharing, computed without SimGrid's network model (fastest).
  // fluid: the flow model's max-min sharing computed by distlab itself (lan only; much faster
  // than SimGrid's solver with thousands of concurrent flows).
  enum class Model { flow, lv08, textbook, fluid };
  Topology topology = Topology::lan;
  Model model = Model::flow;
  Time latency = us(50);         // lan: one-way host-to-host latency
  double bandwidth_bps = 100e9;  // per host link (bits/s)
  // Framing every message carries on the wire besides its payload (Ethernet, IP and TCP
  // headers, preamble and gap), counted against the bandwidth: what bounds small messages.
  std::uint32_t header_bytes = 0;
  // Flow network only: messages and RDMA steps smaller than this (on the wire) skip SimGrid's
  // bandwidth sharing and take latency + size/bandwidth, as on the textbook network. Every
  // SimGrid flow that finishes costs a re-solve of the sharing; at thousands of concurrent bulk
  // flows, small control messages would cost more than the bulk moves they control while
  // taking a negligible share of the links. 0: every message is a flow.
  std::uint64_t flow_min_bytes = 0;
  std::vector<RegionConfig> regions;
  std::vector<std::vector<Time>> inter_region_latency;  // one-way, [from][to]
  double wan_bandwidth_bps = 10e9;
  std::map<std::string, std::string> placement;    // node name -> region name
  std::map<std::string, SourcePos> placement_pos;  // where each placement entry was written
};

struct FaultSpec {
  enum class Kind {
    crash,
    restart,
    pause,
    partition,
    heal,
    loss,
    duplicate,
    delay,
    clock_step,
    clock_drift,
    time_master_down,  // the time masters of some regions stop answering clock syncs
    join,  // a server becomes a member (starts, or restarts after a leave); model decides what
    leave,  // membership means (see ModelInstance::on_membership); a leaving server then stops
    disk_slow,  // a node's SSDs (or one of them) get `factor` times slower until `until`
    disk_fail   // a node's SSDs (or one) fail every I/O until `until` (default: for good)
  };
  enum class Distribution { constant, uniform, exponential };
  Kind kind = Kind::crash;
  SourcePos pos;                   // where in the file (for error messages at run time)
  SourcePos nodes_pos;             // where its node names were written
  std::string nodes_key = "node";  // "node", "nodes" or "groups"
  std::string key_path;            // e.g. "fault[2]"
  Time at = 0;
  Time until = kNever;             // loss/duplicate/delay end; partition heal; pause resume
  Time restart_at = kNever;        // crash: restart time
  std::vector<std::string> nodes;  // node names/roles; empty = all
  std::vector<std::vector<std::string>> groups;  // partition groups
  bool one_way = false;                          // partition: only groups[0] -> others
  double probability = 0;
  Distribution distribution = Distribution::constant;
  Time delay_a = 0, delay_b = 0;  // constant: a; uniform: [a, b]; exponential: mean a
  Time clock_step = 0;
  double drift_ppm = 0;
  std::vector<std::string> regions;  // time_master_down: region names; empty = all
  Time drain = sec(1);               // leave: the server keeps serving this long, then stops
  std::optional<std::uint32_t> disk;  // disk_slow/disk_fail: one SSD's index; empty = all
  double slow_factor = 10;            // disk_slow: I/Os take this many times as long
};

// [clocks]: every server's local clock (clients keep true time). A clock has an offset and a
// drift rate; with sync, a daemon polls the time masters every sync_interval and resets the
// clock to the master's time, off by at most sync_uncertainty (the communication delay it
// cannot see). TrueTime (ctx.truetime()) is an interval around the local clock whose half
// width is sync_uncertainty + assumed_drift x local time since the last sync: with Spanner's
// 30 s polls, 200 ppm and 1 ms it runs the paper's 1 to 7 ms sawtooth.
struct ClockConfig {
  Time offset_max = 0;       // initial offsets uniform in [-max, max]
  double drift_max_ppm = 0;  // each server's drift uniform in [-max, max] ppm
  bool sync = false;
  Time sync_interval = sec(30);
  Time sync_uncertainty = ms(1);
  double assumed_drift_ppm = 200;  // what TrueTime assumes; a clock drifting faster breaks it
};

// [node]: what handling a message and writing to storage cost a server.
struct NodeCostConfig {
  Time cpu_per_message = 0;          // a server handles one message at a time, for this long
  Time disk_write_latency = us(20);  // per synced storage write (a datacenter NVMe SSD)
  double disk_write_bytes_per_s = 2e9;
};

struct RetryConfig {
  std::uint32_t max_attempts = 1;  // 1 = no retries
  Time backoff_base = ms(10);
  Time backoff_max = sec(1);
  enum class Jitter { none, full, equal } jitter = Jitter::full;
};

struct BreakerConfig {
  bool enabled = false;
  std::uint32_t failure_threshold = 5;  // consecutive failures that open the breaker
  Time open_for = ms(500);              // then half-open
  std::uint32_t half_open_probes = 1;   // successes in half-open that close it again
};

struct WorkloadConfig {
  enum class Kind { closed, open };
  enum class KeyDist { uniform, zipf };
  Kind kind = Kind::closed;
  std::string key_path;  // "workload[0]"
  std::uint32_t clients = 1;
  Time think_time = 0;    // closed loop
  double rate_per_s = 0;  // open loop: total Poisson arrival rate over all clients
  double read_fraction = 0.5;
  std::uint64_t key_count = 100;
  KeyDist key_dist = KeyDist::uniform;
  double zipf_s = 0.99;
  std::uint32_t value_bytes = 100;
  Time start = 0;
  Time stop = kNever;  // default: scenario end
  Time timeout = ms(1000);
  RetryConfig retry;
  BreakerConfig breaker;
  std::optional<std::string> region;  // place this workload's clients in a region
};

// [swarm]: random faults drawn from the run's seed (swarm testing: Groce et al., ISSTA 2012).
// Every seed gets its own fault schedule, added to the [[fault]]s of the file; `distlab swarm`
// runs many seeds and reports those whose checkers fail.
struct SwarmConfig {
  bool enabled = false;
  std::uint32_t faults = 5;
  std::vector<std::string> kinds = {"crash", "partition", "pause", "loss", "duplicate", "delay"};
  Time start = 0, end = 0;       // faults start in [start, end); default 10% to 70% of the run
  Time length_max = sec(2);      // each fault lasts up to this long
  double loss_max = 0.2;         // loss and duplicate probabilities up to this
  Time delay_mean_max = ms(20);  // exponential delays with a mean up to this
  double drift_max_ppm = 1000;   // clock_drift faults up to this (either sign)
  Time step_max = ms(100);       // clock_step faults up to this (either sign)
  SourcePos pos;
};

struct CheckConfig {
  bool linearizable = false;
};

// [[expect]]: a published (or required) figure that a value of results.json must match. The
// summary prints published vs simulated; a miss makes the run fail (exit code 1).
struct Expectation {
  SourcePos pos;
  std::string key_path;  // "expect[0]"
  std::string metric;    // path into results.json, e.g. "model.balance.stddev_rel" or "a.b[2].c"
  std::string label;     // what to print; default: the metric path
  std::optional<double> published;
  double tolerance = 0.2;  // with published: |simulated - published| <= tolerance * |published|
  std::optional<double> at_most, at_least;
  std::string source;  // where the published figure comes from
};

struct Scenario {
  std::string file;  // path it came from, or "<string>"
  std::string title;
  std::uint64_t seed = 1;
  Time duration = sec(10);
  Time drain = sec(1);   // after duration: no new ops, in-flight ones may finish
  Time bucket = sec(1);  // time-series bucket
  NetworkConfig network;
  ClockConfig clocks;
  NodeCostConfig node;
  std::vector<HardwareSpec> hardware;  // [[hardware]]: per host class; later entries win
  std::string model_name;
  std::shared_ptr<Options> model_options;  // the [model] table, read by the model's factory
  std::vector<WorkloadConfig> workloads;
  std::vector<FaultSpec> faults;
  CheckConfig check;
  SwarmConfig swarm;
  std::vector<Expectation> expectations;
};

// Parse and validate a scenario. `overrides` are "key.path=value" strings (from --set); the
// value is read as a TOML value, or as a string if it is not one. Throws ConfigError.
Scenario load_scenario_file(const std::string& path,
                            const std::vector<std::string>& overrides = {});
Scenario load_scenario_string(const std::string& toml_text, const std::string& name,
                              const std::vector<std::string>& overrides = {});

}  // namespace distlab::sim
