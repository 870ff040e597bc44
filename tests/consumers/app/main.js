// The bundlers' entry: the viewer's styles as a package import, then the app.
import 'rewind-replay/viewer.css';
import { run } from './app.js';

run();
