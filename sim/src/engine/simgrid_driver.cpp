// The dispatcher: a single SimGrid actor runs every node's handlers. Handlers never block, so
// a node needs no actor of its own (DESIGN.md: this beats one actor per node). Timers and
// textbook-network arrivals live in the World's event queue; flow-network messages are SimGrid
// host-to-host comms, harvested with wait_any_for.
#include "engine/simgrid_driver.hpp"

#include <simgrid/s4u.hpp>

#include <cmath>
#include <exception>

#include "engine/platform.hpp"

namespace sg4 = simgrid::s4u;

namespace distlab::sim::engine {
namespace {

class SimgridDriver final : public Driver {
 public:
  SimgridDriver(World& w, std::vector<sg4::Host*> hosts) : w_(w), hosts_(std::move(hosts)) {}
  Time now() const override { return now_; }
  void transfer(NodeId from, NodeId to, std::size_t bytes, std::uint64_t token) override {
    // With no transfer in flight the loop advances time without SimGrid (below): catch
    // SimGrid's clock up before the transfer starts, so that it starts now.
    // (Compared in whole nanoseconds: SimGrid's clock is a double that rounds to now_ after a
    // comm; sleeping off that rounding before every send would make time drift.)
    if (comms_.empty() && std::llround(sg4::Engine::get_clock() * 1e9) < now_)
      sg4::this_actor::sleep_until(to_seconds(now_));
    comms_.push_back(sg4::Comm::sendto_async(hosts_[from], hosts_[to], bytes));
    // SimGrid 3.32 leaves a 0-byte sendto unstarted (it would never complete): start it, so an
    // empty message costs the route's latency as in the textbook model.
    if (bytes == 0) comms_.back()->start();
    pending_.push_back({token, bytes});
  }

  void loop(const std::function<void(Time, std::uint64_t)>& progress) {
    const Time end = w_.end_time();
    w_.start();
    std::uint64_t next_progress = 0;
    while (true) {
      w_.run_due(now_);
      if (progress && w_.events() >= next_progress) {
        progress(now_, w_.events());
        next_progress = w_.events() + 20'000;
      }
      const Time next = std::min(w_.next_time(), end);
      if (now_ >= end) break;
      if (comms_.empty()) {
        // Nothing in SimGrid's hands: jump to the next event without asking SimGrid (a
        // sleep per distinct event time was most of a textbook-network run's instructions).
        now_ = next;
        continue;
      }
      const double timeout = std::max(0.0, to_seconds(next) - sg4::Engine::get_clock());
      const ssize_t first = sg4::Comm::wait_any_for(comms_, timeout);
      if (first < 0) {  // timed out: the next queued event is due
        now_ = next;
        continue;
      }
      now_ = std::max(now_, static_cast<Time>(std::llround(sg4::Engine::get_clock() * 1e9)));
      harvest(static_cast<std::size_t>(first));
    }
    for (auto& c : comms_) c->cancel();
    comms_.clear();
  }

 private:
  // Collect every comm finished at this instant, then hand them to the world, in the order
  // repeated Comm::test_any calls would give them (lowest index first; take() moves the last
  // comm into the hole), found in one pass. Time does not advance while this actor runs, so the
  // set of finished comms is fixed. Why not test_any: in 3.32 each call tests every comm in the
  // vector and re-finishes the finished ones, so harvesting k of n comms cost O(k * n).
  //
  // Why not test() either: sendto comms are detached in the kernel, and finishing one removes it
  // from a list of every detached comm in flight (a linear search, fixed in 3.34); post()
  // already did that once and test() would do it again. A started comm of > 0 bytes still has
  // bytes left until post() has run (its network action is gone after that, get_remaining() is
  // 0), so that is checked without a simcall. A zero-byte comm is asked with test().
  void harvest(std::size_t first) {
    done_.clear();
    done_.push_back(take(first));
    for (std::size_t i = 0; i < comms_.size();) {
      if (finished(i))
        done_.push_back(take(i));  // re-examine slot i: it now holds the former last comm
      else
        ++i;
    }
    for (std::uint64_t token : done_) w_.arrived(token);
  }
  bool finished(std::size_t i) {
    const sg4::Comm& c = *comms_[i];
    // Not started (a zero-byte sendto does not start by itself): test_any never saw it finish.
    if (c.get_state() != sg4::Activity::State::STARTED || c.get_remaining() > 0) return false;
    return pending_[i].bytes > 0 || comms_[i]->test();
  }
  std::uint64_t take(std::size_t i) {
    const std::uint64_t token = pending_[i].token;
    comms_[i] = std::move(comms_.back());
    comms_.pop_back();
    pending_[i] = pending_.back();
    pending_.pop_back();
    return token;
  }

  World& w_;
  std::vector<sg4::Host*> hosts_;
  std::vector<sg4::CommPtr> comms_;
  struct Pending {
    std::uint64_t token;
    std::size_t bytes;
  };
  std::vector<Pending> pending_;  // parallel to comms_
  std::vector<std::uint64_t> done_;
  Time now_ = 0;
};

}  // namespace

void run_on_simgrid(World& world, const std::vector<std::string>& simgrid_args,
                    const std::function<void(Time, std::uint64_t)>& progress) {
  std::vector<std::string> args = {"distlab", "--log=root.thresh:warning",
                                   "--log=xbt_cfg.thresh:warning"};
  args.insert(args.end(), simgrid_args.begin(), simgrid_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  const auto model = world.scenario().network.model;
  if (model != NetworkConfig::Model::lv08) {
    // Textbook latency + size/bandwidth (DESIGN.md: turn the LV08 factors off).
    sg4::Engine::set_config("network/latency-factor:1");
    sg4::Engine::set_config("network/bandwidth-factor:1");
    sg4::Engine::set_config("network/crosstraffic:0");
    // No TCP window cap (4 MiB / (2 x latency) per flow by default): a flow takes what the
    // links give it, as the textbook and fluid models say.
    sg4::Engine::set_config("network/TCP-gamma:0");
  }
  std::vector<sg4::Host*> hosts;
  if (world.simgrid_flows()) {
    hosts = build_platform(world);
  } else {
    // Textbook network: arrival times are computed in the World; one host runs the dispatcher.
    auto* zone = sg4::create_full_zone("textbook");
    hosts.push_back(zone->create_host("dispatcher", 1e9));
    zone->seal();
  }
  SimgridDriver driver(world, hosts);
  world.attach(&driver);
  std::exception_ptr failure;
  sg4::Actor::create("dispatcher", hosts.front(), [&] {
    try {
      driver.loop(progress);
    } catch (...) {
      // An exception escaping an actor aborts the process: carry it out instead.
      failure = std::current_exception();
    }
  });
  engine.run();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace distlab::sim::engine
