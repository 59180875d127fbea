#include "py_protocol.hpp"

#include <fmt/format.h>
#include <pybind11/stl.h>

#include "distlab/sim/client_api.hpp"
#include "distlab/sim/options.hpp"

namespace distlab::bindings {
namespace {

using sim::ClientReply;
using sim::ClientRequest;
using sim::Context;
using sim::NodeId;

std::string describe_object(const py::object& o) {
  if (py::hasattr(o, "describe")) return py::str(o.attr("describe")());
  // object's own repr has the address: not the same in two runs. The type's name instead.
  const py::object type = py::type::of(o);
  if (type.attr("__repr__").is(py::module_::import("builtins").attr("object").attr("__repr__")))
    return type.attr("__qualname__").cast<std::string>();
  std::string s = py::repr(o);
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

std::size_t size_of(const py::object& o) {
  if (!py::hasattr(o, "size_bytes")) return 64;
  py::object v = o.attr("size_bytes");
  if (PyCallable_Check(v.ptr())) v = v();
  const auto n = v.cast<std::int64_t>();
  if (n < 0) throw py::value_error("size_bytes must not be negative");
  return static_cast<std::size_t>(n);
}

// What a Python handler's `msg` is: the Python object a Python node sent, or a workload
// client's request (or a reply, for a node that is itself a client).
py::object to_python(const sim::Message& m) {
  if (const auto* p = m.get<PyMessage>()) return p->obj;
  if (const auto* r = m.get<ClientRequest>()) return py::cast(*r);
  if (const auto* r = m.get<ClientReply>()) return py::cast(*r);
  return py::none();
}

// What goes on the wire is a copy, as on a real network: the receiver never shares the
// sender's object. Immutable values (numbers, strings, tuples, frozen dataclasses) go as they
// are; anything else is deep-copied at the send.
py::object wire_copy(const py::object& msg) {
  if (msg.is_none() || py::isinstance<py::bool_>(msg) || py::isinstance<py::int_>(msg) ||
      py::isinstance<py::float_>(msg) || py::isinstance<py::str>(msg) ||
      py::isinstance<py::bytes>(msg) || py::isinstance<py::tuple>(msg) ||
      py::isinstance<py::frozenset>(msg))
    return msg;
  const py::object type = py::type::of(msg);
  if (py::hasattr(type, "__dataclass_params__") &&
      type.attr("__dataclass_params__").attr("frozen").cast<bool>())
    return msg;
  return py::module_::import("copy").attr("deepcopy")(msg);
}

sim::Message from_python(const py::object& msg) {
  if (py::isinstance<ClientReply>(msg)) return sim::Message::of(msg.cast<ClientReply>());
  if (py::isinstance<ClientRequest>(msg)) return sim::Message::of(msg.cast<ClientRequest>());
  return sim::Message::of(PyMessage{wire_copy(msg), size_of(msg)});
}

// A node id a handler passes: checked here, so that a mistake is a ProtocolError naming it,
// not an assertion that stops the process.
NodeId checked_node(const Context& c, std::int64_t id, const char* what) {
  const std::size_t n = c.node_count();
  if (id < 0 || (n > 0 && static_cast<std::size_t>(id) >= n))
    throw py::value_error(fmt::format("{}: {} is not a node id (0 to {})", what, id,
                                      n > 0 ? n - 1 : 0));
  return static_cast<NodeId>(id);
}

// The text of the Python exception being handled, with its traceback.
std::string python_traceback(py::error_already_set& e) {
  const py::object lines =
      py::module_::import("traceback").attr("format_exception")(e.type(), e.value(), e.trace());
  return py::str("").attr("join")(lines).cast<std::string>();
}

class PyProtocol final : public sim::Protocol {
 public:
  explicit PyProtocol(py::object obj)
      : obj_(std::move(obj)), ctx_obj_(py::cast(PyContext())), ctx_(ctx_obj_.cast<PyContext*>()) {}

  void on_start(Context& c) override { call(c, "on_start"); }
  void on_recover(Context& c) override { call(c, "on_recover"); }
  void on_timer(Context& c, sim::TimerId id) override { call(c, "on_timer", py::int_(id)); }
  void on_message(Context& c, NodeId from, const sim::Message& m) override {
    py::object msg = to_python(m);
    if (msg.is_none()) return;  // a C++ model's message: not for a Python node
    call(c, "on_message", py::int_(from), msg);
  }

 private:
  template <class... A>
  void call(Context& c, const char* handler, A&&... args) {
    ctx_->attach(&c);
    try {
      obj_.attr(handler)(ctx_obj_, std::forward<A>(args)...);
    } catch (py::error_already_set& e) {
      ctx_->attach(nullptr);
      throw HandlerError(fmt::format("{}.{} raised at {:.9f} s (the node's clock):\n{}",
                                     c.name(), handler, sim::to_seconds(c.now()),
                                     python_traceback(e)));
    }
    ctx_->attach(nullptr);
  }

  py::object obj_;
  py::object ctx_obj_;
  PyContext* ctx_;
};

// ctx.storage: the node's durable key/value store, through the (checked) context.
struct StorageView {
  py::object ctx;
  sim::Storage& get() const { return ctx.cast<PyContext*>()->get().storage(); }
};

}  // namespace

std::string PyMessage::describe() const { return describe_object(obj); }

sim::Context& PyContext::get() const {
  if (!c_)
    throw std::runtime_error(
        "this ctx belongs to a handler that has returned: use the ctx a handler is given");
  return *c_;
}

sim::ModelFactory python_model_factory(py::object model) {
  sim::ModelFactory f;
  f.name = model.attr("name").cast<std::string>();
  f.description = model.attr("description").cast<std::string>();
  f.variants = model.attr("variants").cast<std::vector<std::string>>();
  f.build = [model](sim::Options& o) {
    // Options the model declared, typed by their defaults; finish() rejects any other key.
    py::dict opts;
    const auto variants = model.attr("variants").cast<std::vector<std::string>>();
    if (!variants.empty()) opts["variant"] = o.get_choice("variant", variants, variants.front());
    const py::dict declared = model.attr("options");
    for (const auto& [k, v] : declared) {
      const auto key = k.cast<std::string>();
      if (py::isinstance<py::bool_>(v))
        opts[k] = o.get_bool(key, v.cast<bool>());
      else if (py::isinstance<py::int_>(v))
        opts[k] = o.get_int(key, v.cast<std::int64_t>());
      else if (py::isinstance<py::float_>(v))
        opts[k] = o.get_double(key, v.cast<double>());
      else
        opts[k] = o.get_string(key, py::str(v).cast<std::string>());
    }
    sim::ModelInstance m;
    m.server_names = model.attr("node_names")(opts).cast<std::vector<std::string>>();
    if (m.server_names.empty()) o.fail("name", "the Python model has no nodes");
    for (std::size_t i = 0; i < m.server_names.size(); ++i)
      m.roles[m.server_names[i]] = static_cast<NodeId>(i);
    const py::object protocol = model.attr("protocol");
    const auto names = m.server_names;
    m.make_node = [protocol, opts, names](NodeId id) -> std::unique_ptr<sim::Protocol> {
      try {
        py::object p = protocol();
        p.attr("node") = py::int_(id);
        p.attr("options") = opts;
        return std::make_unique<PyProtocol>(std::move(p));
      } catch (py::error_already_set& e) {
        throw HandlerError(fmt::format("making the protocol object of {} raised:\n{}",
                                       names.at(id), python_traceback(e)));
      }
    };
    const py::object route = model.attr("router")(opts);
    if (!route.is_none()) {
      const auto n = static_cast<NodeId>(m.server_names.size());
      m.route = [route, n](const ClientRequest& r, NodeId last, sim::Rng&) -> NodeId {
        py::object l = last == sim::kNoNode ? py::object(py::none()) : py::object(py::int_(last));
        py::object got;
        try {
          got = route(py::cast(r), l);
        } catch (py::error_already_set& e) {
          throw HandlerError(fmt::format("route({}) raised:\n{}", r.describe(),
                                         python_traceback(e)));
        }
        if (!py::isinstance<py::int_>(got) || py::isinstance<py::bool_>(got))
          throw HandlerError(fmt::format("route({}) returned {}: a node id (an int) is expected",
                                         r.describe(), std::string(py::repr(got))));
        const auto to = got.cast<std::int64_t>();
        if (to < 0 || to >= n)
          throw HandlerError(fmt::format("route({}) returned {}: not a server (0 to {})",
                                         r.describe(), to, n - 1));
        return static_cast<NodeId>(to);
      };
    }
    return m;
  };
  return f;
}

void bind_protocol_api(py::module_& m) {
  py::class_<ClientRequest>(m, "ClientRequest",
                            "A workload client's request, as a Python node receives it.")
      .def_readonly("op_id", &ClientRequest::op_id)
      .def_readonly("attempt", &ClientRequest::attempt)
      .def_property_readonly("kind",
                             [](const ClientRequest& r) { return std::string(to_string(r.kind)); })
      .def_readonly("key", &ClientRequest::key)
      .def_readonly("value", &ClientRequest::value)
      .def_readonly("value_bytes", &ClientRequest::value_bytes)
      .def("__repr__", [](const ClientRequest& r) { return "<ClientRequest " + r.describe() + ">"; });

  py::class_<ClientReply>(m, "ClientReply", "A server's answer to a workload client.")
      .def(py::init([](std::uint64_t op_id, const std::string& status, std::int64_t value,
                       NodeId redirect_to, std::uint32_t value_bytes, std::uint32_t attempt) {
             ClientReply r;
             r.op_id = op_id;
             if (status == "ok")
               r.status = ClientReply::Status::ok;
             else if (status == "fail")
               r.status = ClientReply::Status::fail;
             else if (status == "redirect")
               r.status = ClientReply::Status::redirect;
             else
               throw py::value_error("status must be \"ok\", \"fail\" or \"redirect\"");
             r.value = value;
             r.redirect_to = redirect_to;
             r.value_bytes = value_bytes;
             r.attempt = attempt;
             return r;
           }),
           py::arg("op_id"), py::arg("status") = "ok", py::arg("value") = 0,
           py::arg("redirect_to") = 0, py::arg("value_bytes") = 0, py::arg("attempt") = 0)
      .def_readonly("op_id", &ClientReply::op_id)
      .def_property_readonly("status",
                             [](const ClientReply& r) {
                               static constexpr const char* names[] = {"ok", "fail", "redirect"};
                               return std::string(names[static_cast<int>(r.status)]);
                             })
      .def_readonly("value", &ClientReply::value)
      .def_readonly("redirect_to", &ClientReply::redirect_to)
      .def("__repr__", [](const ClientReply& r) { return "<ClientReply " + r.describe() + ">"; });

  py::class_<StorageView>(m, "Storage", "The node's durable key/value storage (survives crashes).")
      .def("put", [](const StorageView& s, const py::str& k,
                     const py::str& v) { s.get().put(k.cast<std::string>(), v.cast<std::string>()); },
           py::arg("key"), py::arg("value"), "Store a string (encode other values yourself).")
      .def("get",
           [](const StorageView& s, const std::string& k) -> py::object {
             auto v = s.get().get(k);
             return v ? py::object(py::str(*v)) : py::object(py::none());
           })
      .def("erase", [](const StorageView& s, const std::string& k) { s.get().erase(k); })
      .def("items", [](const StorageView& s) {
        py::dict d;
        for (const auto& [k, v] : s.get().all()) d[py::str(k)] = py::str(v);
        return d;
      });

  py::class_<PyContext>(m, "Context",
                        "What a handler can do: send, set timers, read its clock, use storage.")
      .def_property_readonly("self", [](const PyContext& c) { return c.get().self(); })
      .def_property_readonly("name", [](const PyContext& c) { return std::string(c.get().name()); })
      .def("name_of", [](const PyContext& c, std::int64_t id) {
        return std::string(c.get().name_of(checked_node(c.get(), id, "name_of")));
      })
      .def_property_readonly("peers", [](const PyContext& c) { return c.get().peers(); })
      .def(
          "send",
          [](const PyContext& c, std::int64_t to, const py::object& msg) {
            c.get().send(checked_node(c.get(), to, "send"), from_python(msg));
          },
          py::arg("to"), py::arg("msg"),
          "Send `msg` (any Python object; its size is msg.size_bytes if it has one, else 64 bytes).")
      .def(
          "reply",
          [](const PyContext& c, std::int64_t to_id, const ClientRequest& req, std::int64_t value,
             bool ok) {
            const NodeId to = checked_node(c.get(), to_id, "reply");
            ClientReply r;
            r.op_id = req.op_id;
            r.status = ok ? ClientReply::Status::ok : ClientReply::Status::fail;
            r.value = value;
            r.value_bytes = req.kind == sim::OpKind::read ? req.value_bytes : 0;
            c.get().send(to, sim::Message::of(r));
          },
          py::arg("to"), py::arg("req"), py::arg("value") = 0, py::arg("ok") = true,
          "Answer a workload client's request (value: what a read returns).")
      .def(
          "redirect",
          [](const PyContext& c, std::int64_t to_id, const ClientRequest& req,
             std::int64_t where) {
            const NodeId to = checked_node(c.get(), to_id, "redirect");
            ClientReply r;
            r.op_id = req.op_id;
            r.status = ClientReply::Status::redirect;
            r.redirect_to = checked_node(c.get(), where, "redirect: where");
            c.get().send(to, sim::Message::of(r));
          },
          py::arg("to"), py::arg("req"), py::arg("where"))
      .def("set_timer", [](const PyContext& c, sim::Time delay) {
            if (delay < 0) throw py::value_error(fmt::format("set_timer({}): a delay cannot be negative", delay));
            return c.get().set_timer(delay);
          },
           py::arg("delay_ns"), "Fire on_timer after delay_ns of this node's clock; returns its id.")
      .def("cancel_timer", [](const PyContext& c, sim::TimerId id) { c.get().cancel_timer(id); })
      .def("now", [](const PyContext& c) { return c.get().now(); },
           "This node's clock, in nanoseconds (it may drift).")
      .def("truetime",
           [](const PyContext& c) {
             const auto t = c.get().truetime();
             return py::make_tuple(t.earliest, t.latest);
           })
      .def("randint", [](const PyContext& c, std::uint64_t n) {
            if (n == 0) throw py::value_error("randint(n) needs n > 0");
            return c.get().rng().uniform(n);
          },
           "A uniform integer in [0, n) from this node's deterministic stream.")
      .def("random", [](const PyContext& c) { return c.get().rng().uniform01(); },
           "A uniform float in [0, 1) from this node's deterministic stream.")
      .def_property_readonly(
          "storage", [](py::object self) { return StorageView{std::move(self)}; })
      .def("count", [](const PyContext& c, const std::string& name,
                       std::int64_t delta) { c.get().metrics().add(name, delta); },
           py::arg("name"), py::arg("delta") = 1, "Bump a named counter (per node in results).")
      .def("log", [](const PyContext& c, const std::string& line) { c.get().log_line(line); });
}

}  // namespace distlab::bindings
