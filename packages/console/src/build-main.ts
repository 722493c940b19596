// `npm run build` runs this after tsc: writes the console to dist/web and prints its size.
import { buildConsole } from "./build.js";

const built = await buildConsole();
const sizes = Object.entries(built.bytes).map(([file, bytes]) => `${file} ${(bytes / 1024).toFixed(1)} KiB`);
console.log(`console: ${sizes.join(", ")} in ${built.dir}`);
