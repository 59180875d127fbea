#pragma once
// Protocols written in Python: a model whose nodes run a Python class with the node API's
// handlers (on_start, on_message, on_timer, on_recover). The simulation calls them as leaf
// calls: a handler never blocks, and what it does (send, set a timer) takes effect in
// simulated time after it returns, exactly as for a C++ protocol.
#include <pybind11/pybind11.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "distlab/sim/model.hpp"

namespace distlab::bindings {

namespace py = pybind11;

// A Python object travelling as a message. Its size is `size_bytes()` if the object has it
// (attribute or method), else 64 bytes.
struct PyMessage {
  py::object obj;
  std::size_t bytes = 64;
  std::size_t size_bytes() const { return bytes; }
  std::string describe() const;
};

// A Python handler raised: carries the node, the simulated time and the traceback out of the
// simulation (the run stops).
class HandlerError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The handle a Python handler gets as `ctx`. Valid only while the handler runs: a handler that
// keeps it and uses it later gets a RuntimeError, not a crash.
class PyContext {
 public:
  sim::Context& get() const;
  void attach(sim::Context* c) { c_ = c; }

 private:
  sim::Context* c_ = nullptr;
};

// A ModelFactory for a Python model description (distlab.Model): its name, nodes, protocol
// class, options with defaults, and route.
sim::ModelFactory python_model_factory(py::object model);

// Binds Context, ClientRequest, ClientReply, Rng, Storage for Python handlers.
void bind_protocol_api(py::module_& m);

}  // namespace distlab::bindings
