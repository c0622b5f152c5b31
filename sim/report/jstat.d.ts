/** Minimal type declaration for the part of jstat (no bundled types) the report uses. */
declare module 'jstat' {
  const jstat: {
    jStat: {
      studentt: {
        /** inverse CDF (quantile) of Student's t with `dof` degrees of freedom */
        inv(p: number, dof: number): number;
      };
    };
  };
  export default jstat;
}
