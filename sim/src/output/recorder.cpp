#include "output/recorder.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "distlab/sim/error.hpp"

namespace distlab::sim::engine {

// Writes trace.jsonl (one event per line) and trace.chrome.json (Chrome Trace Event format,
// opened by Perfetto or chrome://tracing) into temporary files renamed on success.
class TraceWriter {
 public:
  explicit TraceWriter(const std::string& dir) : dir_(dir) {
    jsonl_.open(tmp("trace.jsonl"), std::ios::binary);
    chrome_.open(tmp("trace.chrome.json"), std::ios::binary);
    if (!jsonl_ || !chrome_)
      throw ConfigError(SourcePos{dir, 0, 0}, "--out", "cannot write trace files there");
    chrome_ << "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
  }
  std::string tmp(const char* name) const { return dir_ + "/." + name + ".partial"; }

  void line(const nlohmann::ordered_json& j) { raw_line(j.dump()); }
  void chrome(const nlohmann::ordered_json& j) { raw_chrome(j.dump()); }
  void raw_line(std::string_view s) { jsonl_ << s << '\n'; }
  void raw_chrome(std::string_view s) {
    chrome_ << (first_ ? "" : ",\n") << s;
    first_ = false;
  }
  std::uint32_t track(std::string_view node) {
    auto [it, fresh] =
        tracks_.try_emplace(std::string(node), static_cast<std::uint32_t>(tracks_.size()));
    return it->second;
  }
  void close() {
    for (const auto& [name, tid] : tracks_)
      chrome({{"name", "thread_name"},
              {"ph", "M"},
              {"pid", 0},
              {"tid", tid},
              {"args", {{"name", name}}}});
    chrome_ << "\n]}\n";
    jsonl_.close();
    chrome_.close();
    namespace fs = std::filesystem;
    fs::rename(tmp("trace.jsonl"), dir_ + "/trace.jsonl");
    fs::rename(tmp("trace.chrome.json"), dir_ + "/trace.chrome.json");
  }
  void abort() {
    jsonl_.close();
    chrome_.close();
    std::error_code ec;
    std::filesystem::remove(tmp("trace.jsonl"), ec);
    std::filesystem::remove(tmp("trace.chrome.json"), ec);
  }

 private:
  std::string dir_;
  std::ofstream jsonl_, chrome_;
  bool first_ = true;
  std::map<std::string, std::uint32_t> tracks_;
};

namespace {
double us_of(Time t) { return static_cast<double>(t) / 1000.0; }
std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    } else {
      out.push_back(c);
    }
  }
  return out;
}
}  // namespace

Recorder::Recorder(const std::string& trace_dir) {
  if (!trace_dir.empty()) trace_ = std::make_unique<TraceWriter>(trace_dir);
}
Recorder::~Recorder() {
  if (trace_) trace_->abort();
}

std::uint64_t Recorder::op_invoke(std::uint32_t client, OpKind kind, std::uint64_t key, Value v,
                                  Time t) {
  Operation op;
  op.id = history_.size();
  op.client = client;
  op.kind = kind;
  op.key = key;
  op.value = v;
  op.invoke = t;
  history_.push_back(op);
  return op.id;
}

void Recorder::op_complete(std::uint64_t id, Outcome o, Value v, Time t, std::uint32_t attempts) {
  Operation& op = history_.at(id);
  op.outcome = o;
  op.attempts = attempts;
  if (o != Outcome::unknown) op.complete = t;
  if (op.kind == OpKind::read && o == Outcome::ok) op.value = v;
  if (trace_) {
    const std::string name = fmt::format("{} k{}", to_string(op.kind), op.key);
    nlohmann::ordered_json j = {{"t_ns", t},
                                {"ev", "op"},
                                {"client", op.client},
                                {"op", op.id},
                                {"kind", to_string(op.kind)},
                                {"key", op.key},
                                {"value", op.value},
                                {"outcome", to_string(o)},
                                {"invoke_ns", op.invoke},
                                {"attempts", attempts}};
    trace_->line(j);
    const auto tid = trace_->track(fmt::format("client{}", op.client));
    trace_->chrome({{"name", name},
                    {"cat", "op"},
                    {"ph", "X"},
                    {"pid", 0},
                    {"tid", tid},
                    {"ts", us_of(op.invoke)},
                    {"dur", us_of(t - op.invoke)},
                    {"args", {{"outcome", to_string(o)}, {"value", op.value}, {"op", op.id}}}});
  }
}

void Recorder::trace_message(std::string_view ev, Time t, std::string_view from,
                             std::string_view to, const Message& m, std::uint64_t msg_id,
                             std::string_view note) {
  if (!trace_) return;
  // Formatted by hand: this is the hot path of a traced run (nlohmann::json per event is 5x
  // slower). Names and descriptions are escaped; numbers are integers.
  const std::string desc = json_escape(m.describe());
  const std::string f = json_escape(from), tt = json_escape(to);
  std::string line =
      fmt::format(R"({{"t_ns":{},"ev":"{}","from":"{}","to":"{}","msg":"{}","bytes":{},"id":{})", t,
                  ev, f, tt, desc, m.size_bytes(), msg_id);
  if (!note.empty()) line += fmt::format(R"(,"note":"{}")", json_escape(note));
  line += "}";
  trace_->raw_line(line);
  const bool at_sender = ev == "send";
  const auto tid = trace_->track(at_sender ? from : to);
  const std::string ts = fmt::format("{}.{:03}", t / 1000, t % 1000);
  trace_->raw_chrome(fmt::format(
      R"({{"name":"{} {}","cat":"msg","ph":"i","s":"t","pid":0,"tid":{},"ts":{},"args":{{"from":"{}","to":"{}","id":{}}}}})",
      ev, desc, tid, ts, f, tt, msg_id));
  if (ev == "send" || ev == "deliver")
    trace_->raw_chrome(fmt::format(
        R"({{"name":"msg","cat":"flow","ph":"{}","bp":"e","id":{},"pid":0,"tid":{},"ts":{}}})",
        at_sender ? "s" : "f", msg_id, tid, ts));
}

void Recorder::trace_node(std::string_view ev, Time t, std::string_view node,
                          std::string_view detail) {
  if (!trace_) return;
  nlohmann::ordered_json j = {{"t_ns", t}, {"ev", ev}, {"node", node}};
  if (!detail.empty()) j["detail"] = detail;
  trace_->line(j);
  const auto tid = trace_->track(node);
  trace_->chrome({{"name", detail.empty() ? std::string(ev) : fmt::format("{}: {}", ev, detail)},
                  {"cat", "node"},
                  {"ph", "i"},
                  {"s", "t"},
                  {"pid", 0},
                  {"tid", tid},
                  {"ts", us_of(t)}});
}

void Recorder::close_trace() {
  if (trace_) trace_->close();
  trace_.reset();
}

}  // namespace distlab::sim::engine
