/**
 * Whether a nats-server of this version (as its INFO gives it) sends a consumer's last delivered
 * message again as a first delivery when a redelivery finds only pull requests without a
 * subscriber: fixed in 2.10.14 (nats-server #5305). Tests that provoke it expect the copy only there.
 */
export function sendsDeliveredMessagesAgain(version: string | undefined): boolean {
  const [major = 0, minor = 0, patch = 0] = (version ?? "0.0.0")
    .split(".")
    .map((part) => parseInt(part, 10) || 0);
  return major < 2 || (major === 2 && (minor < 10 || (minor === 10 && patch < 14)));
}
