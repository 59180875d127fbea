#pragma once
// A server's request processing: `workers` requests in service at once, each taking `service`
// of simulated time; the rest wait in FIFO order. A node built on it saturates at
// workers / service requests per second, as a real server with a fixed thread pool does.
#include <cstddef>
#include <deque>
#include <map>
#include <optional>

#include "distlab/sim/node.hpp"

namespace distlab::models::hashring {

template <class Job>
class ServiceQueue {
 public:
  ServiceQueue(std::uint32_t workers, sim::Time service) : workers_(workers), service_(service) {}

  // Returns the job at once when service time is zero; otherwise queues it and returns nothing
  // (it comes back from done() when its timer fires).
  std::optional<Job> submit(sim::Context& ctx, Job job) {
    if (service_ == 0) return job;
    if (running_.size() < workers_)
      start(ctx, std::move(job));
    else
      waiting_.push_back(std::move(job));
    return std::nullopt;
  }

  // The job whose service ended with timer `id` (nothing if the timer is not ours); starts the
  // next waiting job.
  std::optional<Job> done(sim::Context& ctx, sim::TimerId id) {
    auto it = running_.find(id);
    if (it == running_.end()) return std::nullopt;
    Job job = std::move(it->second);
    running_.erase(it);
    if (!waiting_.empty()) {
      start(ctx, std::move(waiting_.front()));
      waiting_.pop_front();
    }
    return job;
  }

  std::size_t queued() const { return waiting_.size(); }

 private:
  void start(sim::Context& ctx, Job job) {
    running_.emplace(ctx.set_timer(service_), std::move(job));
  }
  std::uint32_t workers_;
  sim::Time service_;
  std::map<sim::TimerId, Job> running_;
  std::deque<Job> waiting_;
};

}  // namespace distlab::models::hashring
