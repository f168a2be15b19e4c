// VigieDelivery — escalations and flags delivered where a team works (`run --deliver`, `serve --deliver`).
//
// Owns: `DeliveryConfig` (the delivery file: endpoints — a Slack-compatible incoming webhook or a
// generic JSON POST — and which teams and queues go to which), `DeliveryMessage` and its
// idempotency key (rules version + comment id + rule + action), `Outbox` (one file per message
// on disk, written before the decision is answered, removed once delivered), `RetryPolicy`
// (exponential backoff with a cap, a try limit), `Deliverer` (the sending thread, the
// dead-letter file, the counters), `HTTPPost` (the small POST client).
//
// Uses: VigieCore, VigieEngine (nothing of the server: `run` uses it too). Delivery is at least
// once: a message can be sent again after a crash between the receiver's answer and the removal
// of its file, always with the same `Idempotency-Key` header.
