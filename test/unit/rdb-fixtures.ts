// Built with: SET s1 hello (EXPIRE 1000); SET s2 12345; SET s3 <56 x 'a'>; SET s4 'the quick brown fox jumps over the lazy dog the quick brown fox';
// SET s5 -2147483649; RPUSH l1 a b 1 2 300 -5000 70000 hello; SADD st1 1 2 3 -100000; SADD st2 a b c; HSET h1 f1 v1 f2 2;
// HSET h2 x 1 y 'long value' (hash-max-listpack-entries 1); ZADD z1 1 a 2.5 b -inf c 1e300 d; ZADD z2 1 a 2.5 b -3 c (zset-max-listpack-entries 2).
/** Payloads and digests recorded from a real Redis 7.0.15 (DUMP / DEBUG DIGEST-VALUE of the keys built in the comments). */
export const REDIS_DUMPS: Record<string, { dump: string; digest: string }> = {
  s1: { dump: '000568656c6c6f0a006372df766534200a', digest: 'd037c4eb8a8b36b602fbced4000daeab0714c1e3' },
  s2: { dump: '00c139300a009d94ea2793fc08b9', digest: 'e1cf90774e995ae03de66e8109dc5cb9d9c2dc83' },
  s3: { dump: '00c30938016161e02b000161610a00f166d3ae13a66262', digest: '7295090f995d8d9aa3d08f4aac31028361a75378' },
  s4: { dump: '00c3343f1f74686520717569636b2062726f776e20666f78206a756d7073206f7665722074201e076c617a7920646f67600ce0042b016f780a001a034b8f0a94984e', digest: '0273bbf89fc8ad7d6672ff8de88150cfc9fa4d11' },
  s5: { dump: '000b2d323134373438333634390a00c261377908f2028c', digest: 'fdb558f13136c938d3373e03775a3f88c38ec214' },
  l1: { dump: '1201022424000000080081610281620201010201c12c02f178ec03f2701101048568656c6c6f06ff0a000e1a453902325cda', digest: 'adc92d3c52f4bc010c5aa828ba958b6978e18c19' },
  st1: { dump: '0b1804000000040000006079feff0100000002000000030000000a008b0f7802aa2a77a0', digest: '4d7ca2ca3acd16a708ff2b96e5508648a6a7eefe' },
  st2: { dump: '02030163016101620a00d51bc2f0968e69c3', digest: '593c2414786d75446e97f4ea5d4b731f3313da72' },
  h1: { dump: '10151500000004008266310382763103826632030201ff0a005c5ea813feec1ff5', digest: 'fc076e867f7dbf566ea58172a151d82d78b8f845' },
  h2: { dump: '040201790a6c6f6e672076616c75650178c0010a00a28518ff6efc6771', digest: 'af2f32da0d6648776479eb7b649123e73145ea62' },
  z1: { dump: '11c331391f390000000800816302842d696e6605816102010181620283322e35048164029702312e30e005000731652b33303018ff0a00b1d584616b3f9d5b', digest: '33dbd358ef8d47059c4c568f46298218b4262140' },
  z2: { dump: '0503016200000000000004400161000000000000f03f016300000000000008c00a007dde396dd26c0a9e', digest: '2dd2ef669bd842b340aed0cb20be587954151e2b' },
}
/** DEBUG DIGEST of db 0 holding all of them, s1 with a TTL. */
export const REDIS_DATASET_DIGEST = '88408338c3c3876fc254dd3dbfeea49ace89d613'
