// `webpack` with ./webpack.config.js through webpack's Node API (no webpack-cli), plus the page
// with the CSS webpack extracted linked in (what html-webpack-plugin would do).
import { readFileSync, writeFileSync } from 'node:fs';
import webpack from 'webpack';
import config from './webpack.config.js';

const stats = await new Promise((resolve, reject) => webpack(config, (error, result) => (error ? reject(error) : resolve(result))));
if (stats.hasErrors()) {
  console.error(stats.toString('errors-only'));
  process.exit(1);
}
const html = readFileSync(new URL('./src/index.html', import.meta.url), 'utf8');
writeFileSync(new URL('./dist/index.html', import.meta.url), html.replace('</head>', '<link rel="stylesheet" href="main.css">\n</head>'));
