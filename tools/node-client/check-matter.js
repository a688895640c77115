// A departmental system written in Node.js calls the Hub's 免证办 CheckMatter over gRPC (@grpc/grpc-js).
// Usage: node check-matter.js <host:port> <api key> <matter code> <id type> <id number> <proto dir (protos/ of this repository)>
// Prints the response as JSON; exits 1 with the gRPC status as JSON on failure.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const [, , address, apiKey, matterCode, idType, idNumber, ...includeDirs] = process.argv;
const definition = protoLoader.loadSync('hub/exemption/v1/exemption.proto', {
  includeDirs,
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});
const hub = grpc.loadPackageDefinition(definition).hub;
const client = new hub.exemption.v1.ExemptionService(address, grpc.credentials.createInsecure());
const metadata = new grpc.Metadata();
metadata.add('authorization', `Bearer ${apiKey}`);

const request = {
  request_id: `node-${process.pid}-${Date.now()}`,
  matter_code: matterCode,
  applicant: { id_type: idType, id_number: idNumber },
  case_number: 'NODE-CASE-1',
  purpose: 'Node.js 客户端核验',
};
client.CheckMatter(request, metadata, { deadline: Date.now() + 15000 }, (error, response) => {
  client.close();
  if (error) {
    console.error(JSON.stringify({ code: error.code, details: error.details }));
    process.exit(1);
  }
  console.log(JSON.stringify(response));
});
