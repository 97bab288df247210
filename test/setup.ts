/** Runs in every test file: temp projects made with tmpDir are removed when the file's tests end. */
import { afterAll } from 'vitest';
import { removeTmpDirs } from './helpers/tmp-project.ts';

afterAll(removeTmpDirs);
