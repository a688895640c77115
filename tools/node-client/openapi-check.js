// Checks the hub's OpenAPI document the way an integrator would rely on it, with tools that owe nothing to the hub:
//  1. the document is valid OpenAPI 3.1 (@seriousme/openapi-schema-validator, the official JSON Schemas);
//  2. every operation has an operationId, a summary and error responses, and every example fits its schema (Ajv);
//  3. a client generated from the document alone (openapi-client-axios, by operationId) calls checkMatter and
//     getSigningKeys, and the hub's real answers fit the response schemas the document gives.
// Usage: node openapi-check.js <https base url> <api key> <matter code> <id type> <id number> [ca file]
'use strict';
const fs = require('fs');
const https = require('https');
const axios = require('axios');
const { Validator } = require('@seriousme/openapi-schema-validator');
const Ajv2020 = require('ajv/dist/2020').default;
const OpenAPIClientAxios = require('openapi-client-axios').default;

async function main() {
  const [base, apiKey, matterCode, idType, idNumber, caFile] = process.argv.slice(2);
  if (!base || !apiKey || !matterCode || !idType || !idNumber) {
    console.error('usage: node openapi-check.js <https base url> <api key> <matter code> <id type> <id number> [ca file]');
    process.exit(2);
  }
  const httpsAgent = new https.Agent(caFile ? { ca: fs.readFileSync(caFile) } : {});
  const doc = (await axios.get(base + '/openapi.json', { httpsAgent })).data;

  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  if (!result.valid) {
    console.error('INVALID OpenAPI document:', JSON.stringify(result.errors, null, 2).slice(0, 4000));
    process.exit(1);
  }

  const problems = [];
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema(doc, 'openapi.json');
  const local = (schema) => JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'));
  const checkExample = (where, content) => {
    const media = content && content['application/json'];
    if (!media || media.example === undefined) {
      problems.push(`${where}: no example`);
      return;
    }
    const validate = ajv.compile(local(media.schema));
    if (!validate(media.example)) {
      problems.push(`${where}: the example does not fit its schema: ${ajv.errorsText(validate.errors)}`);
    }
  };
  let operations = 0;
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [verb, op] of Object.entries(item)) {
      operations++;
      const where = `${verb.toUpperCase()} ${path}`;
      if (!op.operationId) problems.push(`${where}: no operationId`);
      if (!op.summary || !op.summary.includes(' · ')) problems.push(`${where}: no Chinese · English summary`);
      if (!op.responses['400'] || !op.responses['500']) problems.push(`${where}: error responses missing`);
      if (op.requestBody) checkExample(`${where} request`, op.requestBody.content);
      checkExample(`${where} response`, op.responses['200'].content);
    }
  }
  for (const [name, response] of Object.entries(doc.components.responses)) {
    checkExample(`error response ${name}`, response.content);
  }
  if (!doc.components.securitySchemes.bearerAuth || !doc.components.securitySchemes.mutualTLS) {
    problems.push('security schemes bearerAuth and mutualTLS missing');
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exit(1);
  }
  console.log(`OpenAPI ${doc.openapi}: valid, ${operations} operations, every example fits its schema`);

  const api = new OpenAPIClientAxios({
    definition: doc,
    axiosConfigDefaults: { baseURL: base, httpsAgent, headers: { Authorization: 'Bearer ' + apiKey }, validateStatus: () => true },
  });
  const client = await api.init();
  const answer = await client.checkMatter(null, {
    requestId: 'openapi-check-' + Date.now(),
    matterCode,
    applicant: { idType, idNumber },
    caseNumber: 'XA-2026-OPENAPI',
    purpose: '食品经营许可审批',
  });
  const keys = await client.getSigningKeys();
  const fits = (operationId, response) => {
    const [path, verb] = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((v) => [p, v])).find(([p, v]) => doc.paths[p][v].operationId === operationId);
    const validate = ajv.compile(local(doc.paths[path][verb].responses['200'].content['application/json'].schema));
    if (!validate(response.data)) {
      console.error(`the hub's ${operationId} answer does not fit the documented schema: ${ajv.errorsText(validate.errors)}`);
      process.exit(1);
    }
  };
  if (answer.status !== 200 || keys.status !== 200) {
    console.error(`checkMatter answered ${answer.status}, getSigningKeys ${keys.status}: ${JSON.stringify(answer.data)}`);
    process.exit(1);
  }
  fits('checkMatter', answer);
  fits('getSigningKeys', keys);
  console.log(JSON.stringify({ status: answer.status, body: answer.data }));
}

main().catch((e) => {
  console.error(e.stack || String(e));
  process.exit(1);
});
