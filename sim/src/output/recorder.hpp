#pragma once
// Collects what a run produces: the client history, client-side counters and, with --trace,
// the event trace (JSONL and Chrome Trace Event format). Metrics are derived from these at the
// end, so nothing is counted twice.
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "distlab/sim/history.hpp"
#include "distlab/sim/message.hpp"
#include "distlab/sim/types.hpp"

namespace distlab::sim::engine {

class TraceWriter;

class Recorder {
 public:
  // trace_dir empty: no trace.
  explicit Recorder(const std::string& trace_dir);
  ~Recorder();

  std::uint64_t op_invoke(std::uint32_t client, OpKind kind, std::uint64_t key, Value v, Time t);
  void op_complete(std::uint64_t id, Outcome o, Value v, Time t, std::uint32_t attempts);
  const History& history() const { return history_; }
  void count(std::string_view client_counter, std::uint64_t n = 1) {
    counters_[std::string(client_counter)] += n;
  }
  const std::map<std::string, std::uint64_t>& counters() const { return counters_; }

  bool tracing() const { return trace_ != nullptr; }
  // All times in simulated ns; names are node names.
  void trace_message(std::string_view ev, Time t, std::string_view from, std::string_view to,
                     const Message& m, std::uint64_t msg_id, std::string_view note = {});
  void trace_node(std::string_view ev, Time t, std::string_view node, std::string_view detail = {});
  // Finish the trace files (rename them into place). Called once, after a successful run.
  void close_trace();

 private:
  History history_;
  std::map<std::string, std::uint64_t> counters_;
  std::unique_ptr<TraceWriter> trace_;
};

}  // namespace distlab::sim::engine
