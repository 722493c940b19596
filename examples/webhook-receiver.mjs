// A webhook receiver that verifies Switchboard's signatures with the Standard Webhooks library,
// as an EMR integration would:
//   WEBHOOK_SECRET=whsec_... node examples/webhook-receiver.mjs      (listens on 127.0.0.1:9000)
// It answers 204 to a valid request, 400 to one whose signature does not verify, and skips a
// webhook-id it has already seen (a retry of something it accepted).
import http from "node:http";
import { Webhook } from "standardwebhooks";

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error("set WEBHOOK_SECRET to the secret Switchboard returned when the webhook was created");
  process.exit(2);
}
const webhook = new Webhook(secret);
const seen = new Set();
const port = Number(process.env.PORT ?? 9000);

http
  .createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let payload;
      try {
        payload = webhook.verify(body, req.headers);
      } catch (error) {
        console.error(`refused ${req.headers["webhook-id"]}: ${error.message}`);
        res.writeHead(400).end();
        return;
      }
      const id = req.headers["webhook-id"];
      if (!seen.has(id)) {
        seen.add(id);
        console.log(`${id} ${JSON.stringify(payload)}`);
      }
      res.writeHead(204).end();
    });
  })
  .listen(port, "127.0.0.1", () => console.error(`receiving on http://127.0.0.1:${port}/referrals`));
