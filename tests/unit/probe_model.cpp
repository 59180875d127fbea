#include "probe_model.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace distlab::test {
namespace {

struct Probe {
  std::uint64_t seq;
  std::size_t bytes;
  std::size_t size_bytes() const { return bytes; }
};

class ProbeNode final : public sim::Protocol {
 public:
  ProbeNode(std::int64_t count, std::size_t bytes, sim::Time every, bool fan_out)
      : count_(count), bytes_(bytes), every_(every), fan_out_(fan_out) {}
  void on_start(sim::Context& ctx) override {
    ctx.metrics().add("starts");
    if (ctx.self() == 0 && count_ > 0) ctx.set_timer(0);
    if (fan_out_ && ctx.self() == 3) ctx.send(1, sim::Message::of(Probe{0, bytes_}));
  }
  void on_recover(sim::Context& ctx) override {
    ctx.metrics().add("recovers");
    ctx.metrics().add("volatile_at_recover", received_);
    ctx.metrics().add("durable_at_recover",
                      std::stoll(ctx.storage().get("received").value_or("0")));
  }
  void on_timer(sim::Context& ctx, sim::TimerId) override {
    // fan_out: n0 also sends to n2, and n3 sends to n1 once at the start (sharing tests).
    if (fan_out_) ctx.send(2, sim::Message::of(Probe{sent_, bytes_}));
    ctx.send(1, sim::Message::of(Probe{sent_++, bytes_}));
    ctx.metrics().add("local_clock_at_last_send_ns", ctx.now() - last_local_);
    last_local_ = ctx.now();
    if (static_cast<std::int64_t>(sent_) < count_) ctx.set_timer(every_);
  }
  void on_message(sim::Context& ctx, sim::NodeId, const sim::Message& m) override {
    const Probe* p = m.get<Probe>();
    if (!p) return;
    ++received_;
    if (p->seq != next_seq_) ctx.metrics().add("out_of_order");
    next_seq_ = p->seq + 1;
    ctx.storage().put("received", std::to_string(received_));
    ctx.metrics().add("received");
    if (received_ == 1) ctx.metrics().add("first_arrival_local_ns", ctx.now());
    ctx.metrics().add("last_arrival_local_ns", ctx.now() - last_arrival_);  // telescopes
    last_arrival_ = ctx.now();
  }

 private:
  std::int64_t count_;
  std::size_t bytes_;
  sim::Time every_;
  bool fan_out_ = false;
  std::uint64_t sent_ = 0;
  std::int64_t received_ = 0;
  sim::Time last_local_ = 0;
  sim::Time last_arrival_ = 0;
  std::uint64_t next_seq_ = 0;
};

// Samples ctx.truetime() every `every` of local time and records the smallest, largest and
// summed epsilon (metrics eps_min_ns, eps_max_ns, eps_sum_ns, samples).
class TrueTimeProbe final : public sim::Protocol {
 public:
  explicit TrueTimeProbe(sim::Time every) : every_(every) {}
  void on_start(sim::Context& ctx) override { ctx.set_timer(every_); }
  void on_message(sim::Context&, sim::NodeId, const sim::Message&) override {}
  void on_timer(sim::Context& ctx, sim::TimerId) override {
    const sim::Time eps = ctx.truetime().epsilon();
    ctx.metrics().add("samples");
    ctx.metrics().add("eps_sum_ns", eps);
    if (eps < min_ || min_ < 0) {
      ctx.metrics().add("eps_min_ns", (min_ < 0 ? eps : eps - min_));
      min_ = eps;
    }
    if (eps > max_) {
      ctx.metrics().add("eps_max_ns", eps - max_);
      max_ = eps;
    }
    ctx.set_timer(every_);
  }

 private:
  sim::Time every_;
  sim::Time min_ = -1, max_ = 0;
};

// Node 0 starts `count` I/Os of one kind, `every` apart, and records completions: metrics
// io_ok, io_failed, io_first_done_ns and io_last_done_ns (true simulated time from the start).
class IoProbe final : public sim::Protocol {
 public:
  IoProbe(std::string kind, std::int64_t count, std::size_t bytes, sim::Time every,
          std::uint32_t target)
      : kind_(std::move(kind)), count_(count), bytes_(bytes), every_(every), target_(target) {}
  void on_start(sim::Context& ctx) override {
    if (ctx.self() == 0 && count_ > 0) ctx.set_timer(0);
  }
  void on_message(sim::Context&, sim::NodeId, const sim::Message&) override {}
  void on_timer(sim::Context& ctx, sim::TimerId) override {
    if (kind_ == "ssd_read") ctx.ssd_read(target_, bytes_);
    if (kind_ == "ssd_write") ctx.ssd_write(target_, bytes_);
    if (kind_ == "rdma_read") ctx.rdma_read(target_, bytes_);
    if (kind_ == "rdma_write") ctx.rdma_write(target_, bytes_);
    if (++started_ < count_) ctx.set_timer(every_);
  }
  void on_io(sim::Context& ctx, const sim::IoResult& io) override {
    ctx.metrics().add(io.ok() ? "io_ok" : "io_failed");
    if (first_ < 0) {
      first_ = ctx.now();
      ctx.metrics().add("io_first_done_ns", first_);
    }
    ctx.metrics().add("io_last_done_ns", ctx.now() - last_);
    last_ = ctx.now();
  }

 private:
  std::string kind_;
  std::int64_t count_;
  std::size_t bytes_;
  sim::Time every_;
  std::uint32_t target_;
  std::int64_t started_ = 0;
  sim::Time first_ = -1, last_ = 0;
};

}  // namespace

void register_probe(sim::Registry& r) {
  r.add({"probe", "test model: n0 sends probes to n1", {}, [](sim::Options& o) {
           const auto nodes = o.get_int_in("nodes", 2, 1000, 2);
           const auto count = o.get_int_in("count", 0, 10'000'000, 1);
           const auto bytes = o.get_int_in("bytes", 0, 1 << 30, 1000);
           const auto every = o.get_time("every", sim::ms(1), true);
           const bool fan_out = o.get_bool("fan_out", false);
           sim::ModelInstance m;
           for (std::int64_t i = 0; i < nodes; ++i)
             m.server_names.push_back("n" + std::to_string(i));
           const auto tt_every = o.get_time("truetime_every", 0);
           const auto io = o.get_choice(
               "io", {"none", "ssd_read", "ssd_write", "rdma_read", "rdma_write"}, "none");
           const auto io_target = static_cast<std::uint32_t>(o.get_int_in("io_target", 0, 1000, 1));
           m.make_node = [=](sim::NodeId) -> std::unique_ptr<sim::Protocol> {
             if (tt_every > 0) return std::make_unique<TrueTimeProbe>(tt_every);
             if (io != "none")
               return std::make_unique<IoProbe>(io, count, static_cast<std::size_t>(bytes), every,
                                                io_target);
             return std::make_unique<ProbeNode>(count, static_cast<std::size_t>(bytes), every,
                                                fan_out);
           };
           // membership = true: log every membership call and report it as
           // {"membership": [{"t_ns": .., "members": [..]}, ..]}.
           if (o.get_bool("membership", false)) {
             auto log = std::make_shared<std::vector<std::string>>();
             m.on_membership = [log](const std::vector<sim::NodeId>& members, sim::Time at) {
               log->push_back(
                   fmt::format(R"({{"t_ns": {}, "members": [{}]}})", at, fmt::join(members, ", ")));
             };
             m.report = [log] {
               return sim::ModelInstance::Report{
                   fmt::format(R"({{"ok": true, "membership": [{}]}})", fmt::join(*log, ", ")),
                   fmt::format("  probe: {} membership calls\n", log->size())};
             };
           }
           return m;
         }});
}

}  // namespace distlab::test
