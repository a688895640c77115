// A supervision platform written in Node.js subscribes to the Hub's change events over gRPC (@grpc/grpc-js) and
// resumes after the last event it processed.
// Usage: node subscribe-events.js <host:port> <api key> <after event id> <count> <proto dir (protos/ of this repository)>
// Prints each event as one JSON line, stops after <count> events; exits 1 with the gRPC status as JSON on failure.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [, , address, apiKey, afterEventId, count, ...includeDirs] = process.argv;
const definition = protoLoader.loadSync('hub/events/v1/events.proto', {
  includeDirs,
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const hub = grpc.loadPackageDefinition(definition).hub;
const client = new hub.events.v1.EventService(address, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.add('authorization', `Bearer ${apiKey}`);

let received = 0;
const call = client.Subscribe({ after_event_id: afterEventId, filter: {} }, metadata, { deadline: Date.now() + 30000 });
call.on('data', (message) => {
  if (message.kind !== 'event') {
    return; // a heartbeat
  }
  console.log(JSON.stringify(message.event));
  received += 1;
  if (received >= Number(count)) {
    call.cancel();
  }
});
call.on('error', (error) => {
  if (error.code === grpc.status.CANCELLED && received >= Number(count)) {
    client.close();
    process.exit(0);
  }
  console.error(JSON.stringify({ code: error.code, details: error.details }));
  process.exit(1);
});
call.on('end', () => { client.close(); });
