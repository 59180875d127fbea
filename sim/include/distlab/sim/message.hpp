#pragma once
// Messages are plain structs that report their size in bytes (the network charges bandwidth by
// it). A Message is an immutable, cheaply copied handle to one of them: duplicating a message
// on the network shares the payload.
//
//   struct Ping { std::uint64_t seq; std::size_t size_bytes() const { return 64; } };
//   ctx.send(peer, Message::of(Ping{7}));
//   if (const Ping* p = msg.get<Ping>()) ...
#include <concepts>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>

namespace distlab::sim {

template <class T>
concept Sized = requires(const T& t) {
  { t.size_bytes() } -> std::convertible_to<std::size_t>;
};

// Optional: a message may describe itself for traces (`std::string describe() const`).
template <class T>
concept Describable = requires(const T& t) {
  { t.describe() } -> std::convertible_to<std::string>;
};

class Message {
 public:
  Message() = default;

  template <Sized T>
  static Message of(T value) {
    return Message(std::make_shared<const Box<T>>(std::move(value)));
  }

  // The payload if it is a T, else nullptr.
  template <class T>
  const T* get() const {
    if (!p_ || p_->type() != typeid(T)) return nullptr;
    return &static_cast<const Box<T>*>(p_.get())->value;
  }
  template <class T>
  bool is() const {
    return get<T>() != nullptr;
  }

  bool empty() const { return p_ == nullptr; }
  std::size_t size_bytes() const { return p_ ? p_->size_bytes() : 0; }
  std::string describe() const { return p_ ? p_->describe() : std::string("(empty)"); }

 private:
  struct Payload {
    virtual ~Payload() = default;
    virtual const std::type_info& type() const = 0;
    virtual std::size_t size_bytes() const = 0;
    virtual std::string describe() const = 0;
  };
  template <class T>
  struct Box final : Payload {
    explicit Box(T v) : value(std::move(v)) {}
    const std::type_info& type() const override { return typeid(T); }
    std::size_t size_bytes() const override { return value.size_bytes(); }
    std::string describe() const override {
      if constexpr (Describable<T>)
        return value.describe();
      else
        return std::string(short_type_name(typeid(T).name()));
    }
    T value;
  };
  static std::string short_type_name(const char* mangled);

  explicit Message(std::shared_ptr<const Payload> p) : p_(std::move(p)) {}
  std::shared_ptr<const Payload> p_;
};

}  // namespace distlab::sim
