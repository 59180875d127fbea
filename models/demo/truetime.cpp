// TrueTime, observed: every server reads ctx.truetime() every `sample` of its local clock. An
// observer outside the nodes compares each interval with the true simulated time and reports
// epsilon (smallest, mean, largest), the clocks' largest error, and how many intervals missed
// the true time: none, as long as no clock drifts faster than TrueTime assumes.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "demo/demo.hpp"

namespace distlab::models::demo {
namespace {

struct Observer {
  std::shared_ptr<sim::ModelInstance::TrueClock> clock;
  std::uint64_t samples = 0, violations = 0;
  double eps_sum = 0;
  sim::Time eps_min = -1, eps_max = 0, error_max = 0;
  void sample(const sim::TimeInterval& tt) {
    const sim::Time t = clock->now();
    const sim::Time eps = tt.epsilon();
    ++samples;
    eps_sum += static_cast<double>(eps);
    eps_min = eps_min < 0 ? eps : std::min(eps_min, eps);
    eps_max = std::max(eps_max, eps);
    const sim::Time local = (tt.earliest + tt.latest) / 2;
    error_max = std::max(error_max, local > t ? local - t : t - local);
    if (t < tt.earliest || t > tt.latest) ++violations;
  }
};

class Sampler final : public sim::Protocol {
 public:
  Sampler(sim::Time every, std::shared_ptr<Observer> obs) : every_(every), obs_(std::move(obs)) {}
  void on_start(sim::Context& ctx) override { ctx.set_timer(every_); }
  void on_message(sim::Context&, sim::NodeId, const sim::Message&) override {}
  void on_timer(sim::Context& ctx, sim::TimerId) override {
    obs_->sample(ctx.truetime());
    ctx.set_timer(every_);
  }

 private:
  sim::Time every_;
  std::shared_ptr<Observer> obs_;
};

double ms(double ns) { return ns / 1e6; }

}  // namespace

sim::ModelInstance build_truetime(sim::Options& o) {
  const auto nodes = o.get_int_in("nodes", 1, 100'000, 10);
  const auto every = o.get_time("sample", sim::ms(100), true);
  sim::ModelInstance m;
  for (std::int64_t i = 0; i < nodes; ++i) m.server_names.push_back(fmt::format("node{}", i));
  auto obs = std::make_shared<Observer>();
  obs->clock = m.true_clock;
  m.make_node = [every, obs](sim::NodeId) { return std::make_unique<Sampler>(every, obs); };
  m.report = [obs] {
    const double mean = obs->samples ? obs->eps_sum / static_cast<double>(obs->samples) : 0;
    nlohmann::ordered_json j = {
        {"samples", obs->samples},
        {"epsilon_ms",
         {{"min", ms(static_cast<double>(std::max<sim::Time>(obs->eps_min, 0)))},
          {"mean", ms(mean)},
          {"max", ms(static_cast<double>(obs->eps_max))}}},
        {"clock_error_max_ms", ms(static_cast<double>(obs->error_max))},
        {"violations", obs->violations}};
    const std::string s = fmt::format(
        "  truetime    {} samples: epsilon {:.3f} / {:.3f} / {:.3f} ms (min / mean / max), clocks "
        "off by up to {:.3f} ms, {} intervals missed the true time\n",
        obs->samples, ms(static_cast<double>(std::max<sim::Time>(obs->eps_min, 0))), ms(mean),
        ms(static_cast<double>(obs->eps_max)), ms(static_cast<double>(obs->error_max)),
        obs->violations);
    return sim::ModelInstance::Report{j.dump(), s, true};
  };
  return m;
}

}  // namespace distlab::models::demo
