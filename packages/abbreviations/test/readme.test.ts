import { readmeTest } from "@kindling/fixtures/readme";

readmeTest(import.meta.url);
