// Starts telegram-test-api (npm) on 127.0.0.1:<port> for the Python e2e suite; prints "ready <url>" once
// listening and stops cleanly on SIGTERM/SIGINT or when its stdin closes (the test process went away).
const TelegramServer = require("telegram-test-api");

const port = Number(process.argv[2] || 9000);
const server = new TelegramServer({ port, host: "127.0.0.1", storeTimeout: 600 });

async function stop() {
  try {
    await server.stop();
  } finally {
    process.exit(0);
  }
}

server.start().then(() => {
  process.stdout.write(`ready ${server.config.apiURL}\n`);
});
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.resume();
