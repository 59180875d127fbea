// distlab._core: the simulator for Python. One simulation per process (SimGrid allows one
// engine per process): the pure-Python package (bindings/distlab) calls run() in a fresh child
// process and reads the results it writes.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "distlab/sim/model.hpp"
#include "distlab/sim/run.hpp"
#include "distlab/sim/scenario.hpp"
#include "distlab/sim/version.hpp"
#include "models/registry.hpp"
#include "py_protocol.hpp"

namespace py = pybind11;
using namespace distlab;

namespace {

void add_models(const py::list& models) {
  for (const auto& m : models) sim::registry().add(bindings::python_model_factory(py::reinterpret_borrow<py::object>(m)));
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "distlab's simulator core (see the distlab package for the Python API)";
  models::register_builtin(sim::registry());
  m.attr("version") = sim::kVersion;

  static py::exception<sim::ConfigError> scenario_error(m, "ScenarioError", PyExc_ValueError);
  static py::exception<bindings::HandlerError> protocol_error(m, "ProtocolError",
                                                              PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const sim::ConfigError& e) {
      scenario_error(e.what());
    } catch (const bindings::HandlerError& e) {
      protocol_error(e.what());
    }
  });

  bindings::bind_protocol_api(m);

  m.def(
      "run",
      [](const std::string& text, const std::string& name, const std::vector<std::string>& overrides,
         std::optional<std::uint64_t> seed, const std::string& out_dir, bool trace,
         const py::list& models) {
        add_models(models);
        sim::Scenario s = sim::load_scenario_string(text, name, overrides);
        sim::RunOptions opt;
        opt.seed = seed;
        opt.out_dir = out_dir;
        opt.trace = trace;
        const sim::RunResult r = sim::run_scenario(s, opt);
        py::dict d;
        d["results_json"] = r.results_json;
        d["summary"] = r.summary;
        d["checks_passed"] = r.checks_passed;
        d["events"] = r.events;
        d["operations_ok"] = r.operations_ok;
        return d;
      },
      py::arg("text"), py::arg("name"), py::arg("overrides"), py::arg("seed"),
      py::arg("out_dir"), py::arg("trace"), py::arg("models"),
      "Run a scenario in this process (once per process: SimGrid allows one engine).");

  m.def(
      "validate",
      [](const std::string& text, const std::string& name, const std::vector<std::string>& overrides,
         const py::list& models) {
        add_models(models);
        sim::Scenario s = sim::load_scenario_string(text, name, overrides);
        sim::validate_scenario(s);
        return s.seed;
      },
      py::arg("text"), py::arg("name"), py::arg("overrides"), py::arg("models"),
      "Check a scenario without running it; returns its seed. Raises ScenarioError.");

  m.def("models", [] {
    py::list out;
    for (const auto& [name, f] : sim::registry().all())
      out.append(py::make_tuple(name, f.description, f.variants));
    return out;
  });
}
